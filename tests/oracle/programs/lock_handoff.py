# A Lock handed from task to task: three tasks contend, each holds it across
# a sleep, twice.
import asyncio


async def worker(name, lock):
    for round in range(2):
        print(name, "wants", round)
        async with lock:
            print(name, "holds", round)
            await asyncio.sleep(0.005)
            print(name, "releases", round)
        print(name, "out", round)


async def main():
    lock = asyncio.Lock()
    t1 = asyncio.create_task(worker("t1", lock))
    t2 = asyncio.create_task(worker("t2", lock))
    t3 = asyncio.create_task(worker("t3", lock))
    await asyncio.gather(t1, t2, t3)
    print("done")


asyncio.run(main())
