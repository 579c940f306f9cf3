"""Baton's Queue, modelled with the library's own parts, for the programs
that import it. Not a program itself (regen.py and asyncio_expectations.rs
skip `_*.py`); whatever runs cpboard.py on a program puts this folder on
PYTHONPATH."""

# CircuitPython's asyncio has no Queue. This is Baton's Queue (src/sync/
# queue.rs) written with the library's own parts, the way its Lock and Event
# are: a waiting task is on a FIFO list (with `data` pointing at the list, so
# that cancel() takes it off), is pushed on the run queue at the current tick
# when it is released, and a task released but cancelled before its turn
# passes the item (or the free slot) on to the next waiter.
import asyncio

core = asyncio.core


class QueueEmpty(Exception):
    pass


class QueueFull(Exception):
    pass


class WaitList:
    def __init__(self):
        self.tasks = []
        self.released = set()

    def remove(self, t):  # Task.cancel() of a waiting task
        self.tasks.remove(t)

    def wait(self):
        self.tasks.append(core.cur_task)
        core.cur_task.data = self

    def release_first(self):
        if self.tasks:
            t = self.tasks.pop(0)
            self.released.add(t)
            core._task_queue.push(t)

    def was_released(self):
        t = core.cur_task
        if t in self.released:
            self.released.discard(t)
            return True
        return False


class Queue:
    def __init__(self, maxsize=0):
        self.maxsize = maxsize
        self.items = []
        self.getters = WaitList()
        self.putters = WaitList()

    def qsize(self):
        return len(self.items)

    def empty(self):
        return not self.items

    def full(self):
        return 0 < self.maxsize <= len(self.items)

    def put_nowait(self, item):
        if self.full():
            raise QueueFull
        self.items.append(item)
        self.getters.release_first()

    def get_nowait(self):
        if not self.items:
            raise QueueEmpty
        item = self.items.pop(0)
        self.putters.release_first()
        return item

    async def put(self, item):
        while self.full():
            self.putters.wait()
            try:
                await core._never()
            except core.CancelledError:
                if self.putters.was_released() and not self.full():
                    self.putters.release_first()
                raise
            self.putters.was_released()
        self.put_nowait(item)

    async def get(self):
        while not self.items:
            self.getters.wait()
            try:
                await core._never()
            except core.CancelledError:
                if self.getters.was_released() and self.items:
                    self.getters.release_first()
                raise
            self.getters.was_released()
        return self.get_nowait()
