# MicroPython's tests/extmod/asyncio_gather.py, "cancel a multi gather" and
# the edge cases where the gather is cancelled just as its tasks are created
# and ending.
import asyncio


def cancelled(t):
    return t.done() and isinstance(t.data, asyncio.CancelledError)


async def task(id, t=0.1):
    print("start", id)
    await asyncio.sleep(t)
    print("end", id)
    return id


async def gather_task(t0, t1):
    print("gather_task")
    await asyncio.gather(t0, t1, return_exceptions=True)
    print("gather_task2")


async def main():
    # Cancel a multi gather.
    t = asyncio.create_task(gather_task(task(1), task(2)))
    await asyncio.sleep(0.05)
    print("cancel ->", t.cancel())
    await asyncio.sleep(0.2)
    print("cancelled", cancelled(t))

    # Test edge cases where the gather is cancelled just as tasks are created and ending.
    for i in range(1, 4):
        print("====")
        t = asyncio.create_task(gather_task(task(1, t=0), task(2, t=0)))
        for _ in range(i):
            await asyncio.sleep(0)
        print("cancel ->", t.cancel())
        await asyncio.sleep(0.2)


asyncio.run(main())
