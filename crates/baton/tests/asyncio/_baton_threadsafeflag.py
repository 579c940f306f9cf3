"""Baton's ThreadSafeFlag, modelled with the library's own parts, for the
programs that import it. Not a program itself (regen.py and
asyncio_expectations.rs skip `_*.py`); whatever runs cpboard.py on a program
puts this folder on PYTHONPATH."""

# CircuitPython's asyncio has no ThreadSafeFlag. This is MicroPython's
# (extmod/asyncio/event.py) on the library's own I/O queue: wait() registers
# the flag as a stream, and before each turn the run loop's
# wait_io_event(dt) asks the poller which streams are ready and pushes
# their tasks at the current tick, as Baton moves waker wakes into its run
# queue before each turn. The poller reports the flags that are set; when
# the loop has nothing at all to do (dt < 0), it runs the next "host"
# action, which is what sets a flag from outside the tasks (an interrupt,
# another thread, the Rust test's host code between two polls).
import asyncio

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
