# Timers fire by deadline (the tick they end in); timers ending in the same
# tick come out of the pairing heap in the order it gives them, which here
# is the order they were set (whether by sleep or by a sleep to an absolute
# tick, Baton's sleep_until).
import asyncio

ticks = asyncio.core.ticks


async def sleeper(name, d, yield_first):
    if yield_first:
        await asyncio.sleep(0)
    await asyncio.sleep(d)
    print(name)


async def until(name, t_ms):
    await asyncio.sleep_ms(max(0, t_ms - ticks()))
    print(name)


async def main():
    f = asyncio.create_task(sleeper("F (set its timer last)", 0.01, True))
    a = asyncio.create_task(sleeper("A", 0.03, False))
    b = asyncio.create_task(sleeper("B", 0.01, False))
    c = asyncio.create_task(sleeper("C", 0.02, False))
    d = asyncio.create_task(sleeper("D", 0.01, False))
    e = asyncio.create_task(until("E", 10))
    await asyncio.gather(f, a, b, c, d, e)


asyncio.run(main())
