# cpboard: --poll-cost-us 100
# A sleep of 10 ms ends at the start of the tick 10 ticks after the one it
# started in, even while a partner task keeps the loop busy (100 µs a poll).
import asyncio

ticks = asyncio.core.ticks


async def sleeper():
    start = ticks()
    await asyncio.sleep(0.01)
    print("slept", ticks() - start, "ticks")


async def spinner():
    for _ in range(150):
        await asyncio.sleep(0)


async def main():
    await asyncio.gather(sleeper(), spinner())
    print("done")


asyncio.run(main())
