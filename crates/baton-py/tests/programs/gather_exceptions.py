# gather with return_exceptions=True collects every outcome; without it, the
# first exception wakes the gatherer at once while the other tasks go on.
import asyncio


async def ok(name, ms, value):
    await asyncio.sleep_ms(ms)
    print(name, "returns", value)
    return value


async def bad(name, ms):
    await asyncio.sleep_ms(ms)
    print(name, "raises")
    raise ValueError(name + " failed")


def show(results):
    return ", ".join(type(r).__name__ + ":" + str(r) for r in results)


async def main():
    results = await asyncio.gather(ok("a", 30, 1), bad("b", 10), ok("c", 20, 3), return_exceptions=True)
    print("with return_exceptions:", show(results))
    slow = asyncio.create_task(ok("slow", 50, 5))
    try:
        await asyncio.gather(bad("d", 5), slow, ok("e", 1, 6))
    except ValueError as e:
        print("gather raised", type(e).__name__, e, "slow done:", slow.done())
    print("slow result", await slow)
    print("empty", await asyncio.gather())
    done = asyncio.create_task(ok("early", 1, 7))
    await asyncio.sleep_ms(5)
    print("gather of a finished task", await asyncio.gather(done, ok("late", 2, 8)))


asyncio.run(main())
