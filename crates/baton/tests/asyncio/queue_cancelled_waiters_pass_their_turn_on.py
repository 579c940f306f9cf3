# A getter that was released (an item was put for it) but is cancelled
# before its turn passes the item on to the next getter; a waiting putter
# that is cancelled leaves the queue as it was.
import asyncio

from _baton_queue import Queue, QueueEmpty


async def getter(i, q):
    try:
        v = await q.get()
    except asyncio.CancelledError:
        print("getter", i, "cancelled")
        raise
    print("getter", i, "got", v)


async def putter(q):
    try:
        await q.put(2)
    except asyncio.CancelledError:
        print("putter cancelled")
        raise


async def main():
    q = Queue()
    g0 = asyncio.create_task(getter(0, q))
    g1 = asyncio.create_task(getter(1, q))
    await asyncio.sleep(0)
    q.put_nowait("x")
    g0.cancel()
    await asyncio.gather(g0, g1, return_exceptions=True)
    print("qsize", q.qsize())

    q = Queue(1)
    q.put_nowait(1)
    p = asyncio.create_task(putter(q))
    await asyncio.sleep(0)
    p.cancel()
    await asyncio.sleep(0)
    a = q.get_nowait()
    try:
        b = q.get_nowait()
    except QueueEmpty:
        b = "QueueEmpty"
    print(a, b)


asyncio.run(main())
