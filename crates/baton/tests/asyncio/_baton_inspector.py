"""Baton's inspector, modelled with the library's own parts, for the
programs that import it. Not a program itself (regen.py and
asyncio_expectations.rs skip `_*.py`); whatever runs cpboard.py on a program
puts this folder on PYTHONPATH."""

# Baton's inspector (Executor::tasks(), ready_queue(), the poll hook) read
# from the library's own state: a task's id and name are given when it is
# spawned (the name defaults to its coroutine function's, as Baton's to the
# function that made the future), its polls are counted on its coroutine,
# and its state is where the library has it: running (cur_task), in the run
# queue (due now: Ready, later: Sleeping until the start of its tick),
# finished (by its result), or else waiting.
import asyncio

core = asyncio.core
IDS, NAMES, POLLS, FINISHED = {}, {}, {}, []
HOOK = [None]


class Counted:
    def __init__(self, coro):
        self.coro = coro
        self.task = None

    def send(self, v):
        return self.step(self.coro.send, v)

    def throw(self, *exc):
        return self.step(self.coro.throw, *exc)

    def close(self):
        return self.coro.close()

    def step(self, resume, *args):
        t = self.task
        POLLS[t] += 1
        if HOOK[0]:
            HOOK[0]("start", t)
        try:
            r = resume(*args)
        except BaseException as er:
            if t not in FINISHED:
                FINISHED.append(t)
            if HOOK[0]:
                HOOK[0]("end", t, er)
            raise
        if HOOK[0]:
            HOOK[0]("end", t)
        return r


def spawn(coro, name=None):
    c = Counted(coro)
    t = asyncio.create_task(c)
    c.task = t
    IDS[t] = len(IDS) + 1
    NAMES[t] = name or coro.__name__
    POLLS[t] = 0
    return t


def queued():
    """Every task in the run queue, with its key (walks the pairing heap)."""
    out = {}

    def walk(n):
        while n is not None:
            out[n] = n.ph_key
            walk(n.ph_child)
            n = n.ph_next

    walk(core._task_queue.heap)
    return out


def outcome(t, er):
    if isinstance(er, StopIteration):
        return "Done"
    if isinstance(er, core.CancelledError):
        return "Cancelled"
    return "Failed"


def state(t, running=True):
    if running and t is core.cur_task:
        return "Running"
    if t.done():
        return outcome(t, t.data)
    q = queued()
    if t in q:
        if core.ticks_diff(q[t], core.ticks()) > 0:
            return "Sleeping { until: %dµs }" % (q[t] * 1000)
        return "Ready"
    return "Waiting"


def row(t):
    return "#%d %s %s polls=%d" % (IDS[t], NAMES[t], state(t), POLLS[t])


def tasks():
    """The live tasks in id order, then the last 32 finished, oldest first."""
    live = sorted((t for t in IDS if t not in FINISHED), key=IDS.get)
    return live + FINISHED[-32:]


class Shadow:
    def __init__(self, t):
        self.t = t
        self.ph_key = t.ph_key


def ready_queue():
    """The tasks due now, in the order the library's heap will pop them
    (popped from a copy of the heap, with the library's own code)."""
    nodes = queued()
    copy = {n: Shadow(n) for n in nodes}
    for n, s in copy.items():
        for link in ("ph_child", "ph_child_last", "ph_next", "ph_rightmost_parent"):
            setattr(s, link, copy.get(getattr(n, link)))
    q = core.TaskQueue()
    q.heap = copy.get(core._task_queue.heap)
    order = []
    while q.peek() and core.ticks_diff(q.peek().ph_key, core.ticks()) <= 0:
        order.append(q.pop().t)
    return order
