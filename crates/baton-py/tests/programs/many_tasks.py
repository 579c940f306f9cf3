# Many tasks at once: 2,000 coroutines gathered with star-arguments (which live on
# MicroPython's pystack), each sleeping a few ticks in a staggered pattern, then a
# gather of their results in order.
import asyncio


async def worker(i):
    await asyncio.sleep_ms(i % 5)
    await asyncio.sleep(0)
    return i * i


async def main():
    tasks = [asyncio.create_task(worker(i)) for i in range(2000)]
    results = await asyncio.gather(*tasks)
    print("gathered", len(results), sum(results), results[1999])


asyncio.run(main())
