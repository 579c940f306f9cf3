# Event: waiters wake in order at the set; a set event does not block; clear;
# a waiter cancelled while it waits leaves the list.
import asyncio


async def waiter(name, ev):
    print(name, "waits")
    await ev.wait()
    print(name, "woke, set:", ev.is_set())


async def main():
    ev = asyncio.Event()
    tasks = [asyncio.create_task(waiter("w%d" % i, ev)) for i in range(4)]
    await asyncio.sleep_ms(3)
    tasks[2].cancel()
    await asyncio.sleep_ms(3)
    print("setting")
    ev.set()
    ev.clear()
    print("cleared, set:", ev.is_set())
    await asyncio.sleep(0)
    print("after one turn")
    await asyncio.sleep_ms(2)
    ev.set()
    await waiter("late", ev)
    print("done flags", [t.done() for t in tasks])


asyncio.run(main())
