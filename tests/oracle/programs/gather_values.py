# gather of tasks that return values: results in the order given, not the
# order they finish in; one task has finished before gather is called.
import asyncio


async def value_after(name, seconds, value):
    print(name, "starts")
    if seconds:
        await asyncio.sleep(seconds)
    print(name, "returns", value)
    return value


async def main():
    t0 = asyncio.create_task(value_after("t0", 0, 0))
    t1 = asyncio.create_task(value_after("t1", 0.03, 10))
    t2 = asyncio.create_task(value_after("t2", 0.01, 20))
    t3 = asyncio.create_task(value_after("t3", 0.02, 30))
    await asyncio.sleep(0.001)
    r = await asyncio.gather(t0, t1, t2, t3)
    print("gathered", r)
    print("done")


asyncio.run(main())
