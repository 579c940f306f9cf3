# Event: set() wakes every waiter, in the order they started waiting; a
# waiter released by set() resumes even if the event is cleared before its
# turn; after clear(), new waits wait again.
import asyncio


async def task(id, ev):
    print("start", id)
    await ev.wait()
    print("end", id)


async def main():
    ev = asyncio.Event()
    waiters = [asyncio.create_task(task(id, ev)) for id in range(3)]
    await asyncio.sleep(0)
    ev.set()
    ev.clear()
    print("set+clear, is_set", ev.is_set())
    late = asyncio.create_task(task(9, ev))
    for w in waiters:
        await w
    await asyncio.sleep(0)
    print("late waiter done:", late.done())
    ev.set()
    await late


asyncio.run(main())
