# MicroPython's tests/extmod/asyncio_threadsafeflag.py: set() from within
# the loop, from outside the tasks while the loop idles (the Rust test's
# host, between two polls; the original's micropython.schedule), already
# set, and set/cleared/set again.
import asyncio

from _baton_threadsafeflag import HOST, ThreadSafeFlag


async def task(id, flag):
    print("task", id)
    await flag.wait()
    print("task", id, "done")


def host_set():
    print("host: set event")
    flag.set()


async def main():
    # Set the flag from within the loop.
    t = asyncio.create_task(task(1, flag))
    print("yield")
    await asyncio.sleep(0)
    print("set event")
    flag.set()
    print("yield")
    await asyncio.sleep(0)
    print("wait task")
    await t

    # Set the flag from outside the tasks: the host, while the loop idles.
    print("----")
    t = asyncio.create_task(task(2, flag))
    print("yield")
    await asyncio.sleep(0)
    print("wait task")
    await t

    # Flag already set.
    print("----")
    print("set event")
    flag.set()
    t = asyncio.create_task(task(3, flag))
    print("yield")
    await asyncio.sleep(0)
    print("wait task")
    await t

    # Flag set, cleared, and set again.
    print("----")
    print("set event")
    flag.set()
    print("yield")
    await asyncio.sleep(0)
    print("clear event")
    flag.clear()
    print("yield")
    await asyncio.sleep(0)
    t = asyncio.create_task(task(4, flag))
    print("yield")
    await asyncio.sleep(0)
    print("set event")
    flag.set()
    print("yield")
    await asyncio.sleep(0)
    print("wait task")
    await t


flag = ThreadSafeFlag()
HOST.append(host_set)
asyncio.run(main())
