# A queue: FIFO order, full/empty, put() waiting for room and get() for an
# item, several getters served in the order they started waiting.
import asyncio

from _baton_queue import Queue, QueueEmpty, QueueFull


async def producer(q):
    for i in range(5):
        await q.put(i)
        print("put", i)
    print("producer done")


async def getter(i, q):
    v = await q.get()
    print("getter", i, "got", v)


async def main():
    # Basic put_nowait/get_nowait, FIFO order.
    q = Queue()
    print(q.qsize(), q.empty(), q.full())
    for i in range(1, 4):
        q.put_nowait(i)
    print(q.qsize(), q.empty(), q.full())
    print(q.get_nowait(), q.get_nowait(), q.get_nowait())
    print(q.qsize(), q.empty(), q.full())
    # get_nowait() on an empty queue.
    try:
        q.get_nowait()
    except QueueEmpty:
        print("QueueEmpty")

    # maxsize: full() and put_nowait() refusing the item.
    q = Queue(2)
    q.put_nowait(1)
    q.put_nowait(2)
    try:
        q.put_nowait(3)
    except QueueFull:
        print(q.full(), "QueueFull")

    # put() waits until get() frees a slot; get() waits until an item exists.
    print("----")
    q = Queue(2)
    asyncio.create_task(producer(q))
    for _ in range(5):
        v = await q.get()
        print("got", v)
    await asyncio.sleep(0)

    # Several tasks waiting on get() are served in FIFO order.
    print("----")
    q = Queue()
    for i in range(3):
        asyncio.create_task(getter(i, q))
    await asyncio.sleep(0)
    for v in ["a", "b", "c"]:
        await q.put(v)
    await asyncio.sleep(0)


asyncio.run(main())
