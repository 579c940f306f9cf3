# wait_for: one that times out (the awaited work is cancelled), one that
# completes in time.
import asyncio


async def work(name, seconds, value):
    try:
        print(name, "starts")
        await asyncio.sleep(seconds)
        print(name, "finishes")
        return value
    except asyncio.CancelledError:
        print(name, "cancelled")
        raise


async def main():
    try:
        r = await asyncio.wait_for(work("slow", 0.05, 1), 0.02)
        print("slow returned", r)
    except asyncio.TimeoutError:
        print("slow timed out")
    r = await asyncio.wait_for(work("fast", 0.01, 2), 0.02)
    print("fast returned", r)
    print("done")


asyncio.run(main())
