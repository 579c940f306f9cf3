# wait_for: a timeout cancels the task (which sees CancelledError and may
# clean up); a task that ends in time gives its value; an exception passes
# through; wait_for_ms takes milliseconds.
import asyncio


async def work(name, ms, value):
    try:
        await asyncio.sleep_ms(ms)
    except asyncio.CancelledError:
        print(name, "cancelled")
        raise
    print(name, "done")
    return value


async def fails(ms):
    await asyncio.sleep_ms(ms)
    raise KeyError("missing")


async def ticker():
    for i in range(8):
        print("tick", i)
        await asyncio.sleep_ms(7)


async def main():
    t = asyncio.create_task(ticker())
    try:
        await asyncio.wait_for(work("slow", 40, 1), 0.02)
    except asyncio.TimeoutError:
        print("timed out")
    print("fast gives", await asyncio.wait_for(work("fast", 5, 2), 0.05))
    print("ms gives", await asyncio.wait_for_ms(work("ms", 3, 3), 10))
    try:
        await asyncio.wait_for(fails(2), 1)
    except KeyError:
        print("KeyError passed through")
    try:
        await asyncio.wait_for_ms(work("slow2", 30, 4), 4)
    except asyncio.TimeoutError:
        print("timed out again")
    print("no timeout", await asyncio.wait_for(work("none", 1, 5), None))
    await t


asyncio.run(main())
