# MicroPython's tests/extmod/asyncio_basic.py. Durations are counted in
# ticks (ms), as the library counts them.
import asyncio

ticks = asyncio.core.ticks


async def delay_print(t, s):
    await asyncio.sleep(t)
    print(s)


async def main():
    print("start")
    await asyncio.sleep(0.001)
    print("after sleep")
    t0 = ticks()
    await delay_print(0.2, "short")
    t1 = ticks()
    await delay_print(0.4, "long")
    t2 = ticks()
    await asyncio.sleep(-1)
    print("negative")
    t3 = ticks()
    print("took", t1 - t0, t2 - t1, t3 - t2)


asyncio.run(main())
