# Ties: tasks due at the same millisecond run in the order they were queued
# (the pairing heap keeps the older entry first on equal keys), and the key
# is the millisecond, not the microsecond. a and c sleep 20 ms from tick 0,
# b sleeps 1 ms then 19 ms (queued later, for the same tick 20), and main
# sleeps 20 ms before any of them; at tick 20 main creates d and e in one
# turn, which queue behind a, c and b.
import asyncio


async def sleeper(name, first):
    print(name, "sleeps")
    if first:
        await asyncio.sleep(first)
        print(name, "sleeps again")
        await asyncio.sleep(0.019)
    else:
        await asyncio.sleep(0.02)
    print(name, "woke")
    await asyncio.sleep(0)
    print(name, "again")


async def quick(name):
    print(name, "runs")
    await asyncio.sleep(0)
    print(name, "again")


async def main():
    a = asyncio.create_task(sleeper("a", 0))
    b = asyncio.create_task(sleeper("b", 0.001))
    c = asyncio.create_task(sleeper("c", 0))
    await asyncio.sleep(0.02)
    print("main woke")
    d = asyncio.create_task(quick("d"))
    e = asyncio.create_task(quick("e"))
    await asyncio.gather(a, b, c, d, e)
    print("done")


asyncio.run(main())
