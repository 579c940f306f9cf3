# A sleep is timed from the tick sleep_ms was called at, not from its await: after a
# blocking call in between, it is already due, at a tick in the past, and runs ahead of
# the tasks due at later ticks.
import asyncio
import time


async def ticker(name, ms):
    await asyncio.sleep_ms(ms)
    print(name, "woke")


async def main():
    asyncio.create_task(ticker("six", 6))
    asyncio.create_task(ticker("seven", 7))
    await asyncio.sleep(0)
    s = asyncio.sleep_ms(5)
    time.sleep(0.0085)
    await s
    print("main woke")
    s = asyncio.sleep(0.002)
    time.sleep(0.0015)
    await s
    print("main woke again")
    await asyncio.sleep(0.01)


asyncio.run(main())
