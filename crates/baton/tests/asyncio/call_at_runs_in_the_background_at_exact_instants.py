# A background callback (call_at) runs at exact instants: it is not a task
# (no turn), runs before the next task is polled, and stops when cancelled.
import asyncio

from _baton_call_at import call_at, now_us


def scan(at):
    print("scan at=%d now=%d" % (at, now_us()))
    return at + 20000


async def task():
    for _ in range(3):
        await asyncio.sleep(0.015)
        print("task")


async def main():
    h = call_at(now_us(), scan)
    asyncio.create_task(task())
    await asyncio.sleep(0.05)
    h.cancel()
    print("cancelled", h.cancelled)
    await asyncio.sleep(0.03)
    print("main end")


asyncio.run(main())
