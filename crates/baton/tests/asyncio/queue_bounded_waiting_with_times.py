# A bounded queue with virtual time: producers faster than their consumer
# wait for room, and waiting putters are served in the order they started
# waiting.
import asyncio

from _baton_queue import Queue


async def producer(p, q):
    for i in range(2):
        item = p * 10 + i
        await q.put(item)
        print("p%d put %d" % (p, item))


async def main():
    q = Queue(1)
    for p in range(2):
        asyncio.create_task(producer(p, q))
    await asyncio.sleep(0)
    for _ in range(4):
        await asyncio.sleep(0.01)
        v = await q.get()
        print("got", v)


asyncio.run(main())
