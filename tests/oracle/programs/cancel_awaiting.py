# Cancelling a task that awaits another task: this library forwards the
# cancel to the awaited task (task.py, Task.cancel), so the inner task gets
# the CancelledError first, and the outer one gets it from its await.
import asyncio


async def inner():
    try:
        print("inner sleeps")
        await asyncio.sleep(1)
        print("inner woke")
    except asyncio.CancelledError:
        print("inner cancelled")
        raise


async def outer(t):
    try:
        print("outer awaits inner")
        await t
        print("outer got a result")
    except asyncio.CancelledError:
        print("outer cancelled")
        raise


async def main():
    i = asyncio.create_task(inner())
    o = asyncio.create_task(outer(i))
    await asyncio.sleep(0.01)
    print("cancel outer returns", o.cancel())
    try:
        await o
        print("main got a result")
    except asyncio.CancelledError:
        print("main got CancelledError")
    print("inner done", i.done())
    print("done")


asyncio.run(main())
