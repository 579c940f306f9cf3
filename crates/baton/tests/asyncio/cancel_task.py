# MicroPython's tests/extmod/asyncio_cancel_task.py.
#
# Differences by design: a Baton task can't refuse a cancellation, so the
# last case of the original (task(..., allow_cancel=False)) is left out; and
# a Rust task that awaits a task gets the inner task's cancellation as a
# value (Err(Cancelled)), prints and returns, where task2 here re-raises (no
# one awaits task2, so that shows nowhere).
import asyncio


async def task(s):
    try:
        print("task start")
        await asyncio.sleep(s)
        print("task done")
    except asyncio.CancelledError as er:
        print("task cancel")
        raise er


async def task2():
    print("task 2")
    try:
        await asyncio.create_task(task(0.05))
    except asyncio.CancelledError as er:
        print("task 2 cancel")
        raise er
    print("task 2 done")


async def main():
    # Cancel task immediately
    t = asyncio.create_task(task(2))
    print(t.cancel())

    # Cancel task after it has started
    t = asyncio.create_task(task(2))
    await asyncio.sleep(0.01)
    print(t.cancel())
    print("main sleep")
    await asyncio.sleep(0.01)

    # Cancel task multiple times after it has started
    t = asyncio.create_task(task(2))
    await asyncio.sleep(0.01)
    for _ in range(4):
        print(t.cancel())
    print("main sleep")
    await asyncio.sleep(0.01)

    # Await on a cancelled task
    print("main wait")
    try:
        await t
    except asyncio.CancelledError:
        print("main got CancelledError")

    # Cancel task after it has finished
    t = asyncio.create_task(task(0.01))
    await asyncio.sleep(0.05)
    print(t.cancel())

    # Nested: task2 waits on task, task2 is cancelled (should cancel task then task2)
    print("----")
    t = asyncio.create_task(task2())
    await asyncio.sleep(0.01)
    print("main cancel")
    t.cancel()
    print("main sleep")
    await asyncio.sleep(0.1)


asyncio.run(main())
