# MicroPython's tests/extmod/asyncio_threadsafeflag.py: set() from within
# the loop, from outside the tasks while the loop idles (the Rust test's
# host, between two polls; the original's micropython.schedule), already
# set, and set/cleared/set again.
import asyncio

# CircuitPython's asyncio has no ThreadSafeFlag. This is MicroPython's
# (extmod/asyncio/event.py) on the library's own I/O queue: wait() registers
# the flag as a stream, and before each turn the run loop's
# wait_io_event(dt) asks the poller which streams are ready and pushes
# their tasks at the current tick, as Baton moves waker wakes into its run
# queue before each turn. The poller reports the flags that are set; when
# the loop has nothing at all to do (dt < 0), it runs the next "host"
# action, which is what sets a flag from outside the tasks (an interrupt,
# another thread, the Rust test's host code between two polls).
core = asyncio.core
HOST = []


class ThreadSafeFlag:
    def __init__(self):
        self.state = 0

    def set(self):
        self.state = 1

    def clear(self):
        self.state = 0

    def is_set(self):
        return bool(self.state)

    async def wait(self):
        if not self.state:
            await core._io_queue.queue_read(self)
        self.state = 0


class Poller:
    def __init__(self, idle):
        self.idle = idle  # cpboard's poller: waits (moves the clock) for dt ms
        self.streams = {}

    def register(self, s, mask=None):
        self.streams[id(s)] = s

    def modify(self, s, mask):
        pass

    def unregister(self, s):
        self.streams.pop(id(s), None)

    def ready(self):
        return [(s, 1) for s in self.streams.values() if s.state]

    def ipoll(self, dt=-1):
        if not self.ready() and dt < 0 and HOST:
            HOST.pop(0)()
        return self.ready() or self.idle.ipoll(dt)


core._io_queue.poller = Poller(core._io_queue.poller)


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
