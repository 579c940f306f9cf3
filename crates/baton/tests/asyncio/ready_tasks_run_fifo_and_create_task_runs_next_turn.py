# Tasks due at the same tick run in the order they were queued; create_task
# only queues the task: the caller carries on until its next await.
import asyncio


async def worker(name):
    for i in range(3):
        print("%s%d" % (name, i))
        await asyncio.sleep(0)


async def main():
    a = asyncio.create_task(worker("a"))
    b = asyncio.create_task(worker("b"))
    c = asyncio.create_task(worker("c"))
    print("main goes on, a done:", a.done())
    for i in range(3):
        await asyncio.sleep(0)
        print("main%d" % i)
    await asyncio.gather(a, b, c)
    print("all done")


asyncio.run(main())
