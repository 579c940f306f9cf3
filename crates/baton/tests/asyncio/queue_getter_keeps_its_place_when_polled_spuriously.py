# Waiters on a queue are served in the order they started waiting: a getter
# gathered with a sleep (each is a task of its own) keeps its place.
import asyncio

from _baton_queue import Queue


async def sleep(t):
    await asyncio.sleep(t)


async def first(q):
    v, _ = await asyncio.gather(q.get(), sleep(0.005), return_exceptions=True)
    print("first got", v)


async def second(q):
    v = await q.get()
    print("second got", v)


async def main():
    q = Queue()
    f = asyncio.create_task(first(q))
    await asyncio.sleep(0)
    s = asyncio.create_task(second(q))
    await asyncio.sleep(0.01)
    q.put_nowait("a")
    q.put_nowait("b")
    await asyncio.gather(f, s, return_exceptions=True)


asyncio.run(main())
