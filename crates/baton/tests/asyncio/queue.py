# A queue: FIFO order, full/empty, put() waiting for room and get() for an
# item, several getters served in the order they started waiting.
import asyncio

# CircuitPython's asyncio has no Queue. This is Baton's Queue (src/sync/
# queue.rs) written with the library's own parts, the way its Lock and Event
# are: a waiting task is on a FIFO list (with `data` pointing at the list, so
# that cancel() takes it off), is pushed on the run queue at the current tick
# when it is released, and a task released but cancelled before its turn
# passes the item (or the free slot) on to the next waiter.
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
