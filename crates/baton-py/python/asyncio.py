# asyncio for Python mode: the API of Adafruit_CircuitPython_asyncio 3.1.1
# (streams and ThreadSafeFlag aside), scheduled by Baton.
#
# This is the library's own logic (core.py, task.py, funcs.py, event.py,
# lock.py), rule for rule, with one change: where the library pushes a task
# on its run queue, Baton does. Each Task is a Baton task (`_baton.spawn`);
# Baton resumes it once per turn by calling `_step`, which sends into the
# coroutine, and what the coroutine then waits for is Baton's wait:
#   sleep / sleep_ms          -> baton::sleep_until_tick  (_baton.sleep_until_tick)
#   await task                -> the task's "done" Event  (_baton.wait_task)
#   Event.wait()              -> baton::Event             (_baton.event_wait)
#   Lock.acquire()            -> baton::Lock              (_baton.lock_acquire)
#   a push of a waiting task  -> its "kick" Event         (_baton.kick)
# So the order in which tasks run is Baton's, which follows the library's
# pairing heap to the tie.
import _baton

# Looked up once: an attribute of a JavaScript object costs a lookup per use.
_b_event_clear = _baton.event_clear
_b_event_is_set = _baton.event_is_set
_b_event_new = _baton.event_new
_b_event_set = _baton.event_set
_b_event_wait = _baton.event_wait
_b_kick = _baton.kick
_b_lock_acquire = _baton.lock_acquire
_b_lock_holder = _baton.lock_holder
_b_lock_locked = _baton.lock_locked
_b_lock_new = _baton.lock_new
_b_lock_release = _baton.lock_release
_b_drop_task = _baton.drop_task
_b_note = _baton.note
_b_run = _baton.run
_b_now_us = _baton.now_us
_b_sleep_until_tick = _baton.sleep_until_tick
_b_spawn = _baton.spawn
_b_wait_task = _baton.wait_task
_b_wake_awaiters = _baton.wake_awaiters
from _vboard import StopSimulation

__version__ = "3.1.1"

# What _step answers Baton (baton-py's `resume` codes).
_YIELDED = 0
_DONE = 1
_REQUEUE = 2
_STOP = 3


class CancelledError(BaseException):
    """Injected into a task when calling `Task.cancel()`"""


class InvalidStateError(Exception):
    pass


class TimeoutError(Exception):
    """Raised when waiting for a task longer than the specified timeout."""


_exc_context = {"message": "Task exception wasn't retrieved", "exception": None, "future": None}

cur_task = None
_main = None  # the task run_until_complete runs
_next_id = 1
_tasks = {}  # id -> Task, while Baton runs it


class _WaitQueue:
    """What a waiting task's `data` is while it is on an event's or a lock's
    list (the library's TaskQueue): `cancel()` removes it."""

    def __init__(self):
        self.tasks = []

    def remove(self, t):
        if t in self.tasks:
            self.tasks.remove(t)


class _Waiters:
    """A task's `state` while tasks await it (the library's TaskQueue)."""

    def __init__(self):
        self.tasks = []


# What an await iterates to give up the turn once: a one-item tuple, whose iterator ends
# without raising StopIteration (see SingletonGenerator below for why that matters here).
_ONCE = (None,)


class _Yield:
    """Gives up the turn without being pushed (the library's `_never()`):
    whatever the task registered with Baton brings it back."""

    def __iter__(self):
        return iter(_ONCE)

    __await__ = __iter__


_yield = _Yield()


def _push(t):
    """The library's `_task_queue.push(t)` for a task that waits."""
    t.data = None
    _b_kick(t._id)


def _is_exc(x):
    return isinstance(x, BaseException) or (isinstance(x, type) and issubclass(x, BaseException))


################################################################################
# Sleep


# "Yield" once, then end: the library's SingletonGenerator, one for every sleep. `sleep_ms`
# sets the tick to wake at when it is called, from the tick then; the await pushes the task
# at that tick, even if it has passed by then (a blocking call in between).
#
# The library's `__iter__` returns the object itself, whose `__next__` yields once and then
# raises StopIteration to end the await. In this port a raise is a JavaScript exception
# (emscripten's longjmp): ending every sleep with one took a fifth of a polling program's
# time. So the await iterates `_ONCE` instead, which ends without a raise (a built-in
# iterator says it is done without one). The turns are the same: the task is pushed at the
# await, as by the first `__next__`, and the await ends at the task's next turn, as by the
# second; a cancellation is thrown in at the await, as into an iterator without `throw`.
# (Not a generator, which also ends without a raise: making one costs about 10 µs here,
# more than the raise.)


class SingletonGenerator:
    def __init__(self):
        self.state = None

    def __iter__(self):
        if self.state is None:
            return iter(())
        cur_task.data = None
        _b_sleep_until_tick(self.state)
        self.state = None
        return iter(_ONCE)

    __await__ = __iter__


def _ticks():
    # The library's ticks(): the millisecond now (adafruit_ticks.ticks_ms).
    return int(_b_now_us()) // 1000


def sleep_ms(t, sgen=SingletonGenerator()):
    """Sleep for *t* milliseconds."""
    assert sgen.state is None, "Check for a missing `await` in your code"
    t = max(0, t)
    # The library's ticks_add(ticks(), t) (adafruit_ticks) refuses half its period or more.
    if t >= 0x10000000:
        raise OverflowError("ticks interval overflow")
    sgen.state = _ticks() + t
    return sgen


def sleep(t):
    """Sleep for *t* seconds."""
    return sleep_ms(int(t * 1000))


################################################################################
# Task


class Task:
    """A coroutine wrapped as a task. Await it for its result."""

    def __init__(self, coro, globals=None):
        global _next_id
        self.coro = coro
        self.data = None
        self.state = True
        self._id = _next_id
        _next_id += 1
        self._requeued = False

    def __iter__(self):
        if not self.state:
            self.state = False
        elif self.state is True:
            self.state = _Waiters()
        elif type(self.state) is not _Waiters:
            raise RuntimeError("can't wait")
        return self._wait()

    __await__ = __iter__

    def _wait(self):
        while True:
            if not self.state:
                if self.data is None:
                    return None
                if isinstance(self.data, StopIteration):
                    return self.data.value
                raise self.data
            self.state.tasks.append(cur_task)
            cur_task.data = self
            _b_wait_task(self._id)
            yield

    def done(self):
        """Whether the task is complete."""
        return not self.state

    def cancel(self):
        """Cancel the task by injecting a CancelledError into it."""
        if not self.state:
            return False
        if self is cur_task:
            raise RuntimeError("can't cancel self")
        task = self
        while isinstance(task.data, Task):
            task = task.data
        if hasattr(task.data, "remove"):
            task.data.remove(task)
        # Off what it waits for, pushed at the current tick (a sleeper is
        # brought forward; a task already due stays where it is).
        _b_kick(task._id)
        task.data = CancelledError
        return True


def _name_of(coro):
    r = repr(coro)
    i = r.find("'")
    j = r.find("'", i + 1)
    if 0 <= i < j:
        return r[i + 1 : j]
    return "task"


def _spawn(t):
    _tasks[t._id] = t
    _b_spawn(t._id, _name_of(t.coro))


def create_task(coro):
    """Create a new task from the given coroutine and schedule it to run."""
    if not hasattr(coro, "send"):
        raise TypeError("coroutine expected")
    t = Task(coro, globals())
    _spawn(t)
    return t


def _promote_to_task(aw):
    return aw if isinstance(aw, Task) else create_task(aw)


def _step(tid):
    """One turn of task `tid`, called by Baton: run_until_complete's body."""
    global cur_task
    t = _tasks.get(tid)
    if t is None:
        return _DONE
    cur_task = t
    if t._requeued:
        # An exception ended this task and nobody awaited it: the library
        # throws it into the finished coroutine at this turn, then reports it.
        t._requeued = False
        exc = t.data
        t.data = None
        if t.state is None:
            t.data = exc
            _exc_context["exception"] = exc
            _exc_context["future"] = t
            try:
                Loop.call_exception_handler(_exc_context)
            except StopSimulation:
                cur_task = None
                return _STOP
        cur_task = None
        del _tasks[tid]
        return _DONE
    exc = t.data
    t.data = None
    try:
        if exc is not None and _is_exc(exc):
            t.coro.throw(exc)
        else:
            t.coro.send(None)
        cur_task = None
        return _YIELDED
    except StopSimulation:
        cur_task = None
        return _STOP
    except BaseException as er:
        return _finish(t, er)


def _finish(t, er):
    global cur_task, _main_error
    del _tasks[t._id]
    awaited = t is _main
    if awaited:
        cur_task = None
        if not isinstance(er, StopIteration):
            t.state = False
            _main_error = er
            return _DONE
        if t.state is None:
            t.state = False
    code = _DONE
    if t.state:
        if t.state is True:
            t.state = False if awaited else None
        elif callable(t.state):
            t.state(t, er)
            t.state = False
            awaited = True
        else:
            waiters = t.state.tasks
            for w in waiters:
                w.data = None
            if waiters:
                awaited = True
                _b_wake_awaiters(t._id)
            t.state = False
        if not awaited and not isinstance(er, (CancelledError, StopIteration)):
            # Queued once more, to report the exception if nobody awaits the
            # task meanwhile.
            t._requeued = True
            _tasks[t._id] = t
            code = _REQUEUE
        t.data = er
    cur_task = None
    return code


_main_error = None


def run_until_complete(main_task=None):
    """Run the given *main_task* until it completes."""
    global _main, _main_error, cur_task
    prev = _main
    _main = main_task
    _main_error = None
    try:
        code = _b_run(main_task._id)
    finally:
        _main = prev
        cur_task = None
    if code != 0:
        raise StopSimulation()
    if _main_error is not None:
        er = _main_error
        _main_error = None
        raise er
    if isinstance(main_task.data, StopIteration):
        return main_task.data.value
    return None


def run(coro):
    """Create a new task from the given coroutine and run it until it completes."""
    if cur_task is None:
        return run_until_complete(create_task(coro))
    raise RuntimeError("asyncio.run() cannot be called from a running event loop")


################################################################################
# Event loop wrapper


async def _stopper():
    pass


_stop_task = None


class Loop:
    """The event loop."""

    _exc_handler = None

    def create_task(coro):
        return create_task(coro)

    def run_forever():
        global _stop_task
        _stop_task = Task(_stopper(), globals())
        run_until_complete(_stop_task)

    def run_until_complete(aw):
        return run_until_complete(_promote_to_task(aw))

    def stop():
        global _stop_task
        if _stop_task is not None:
            _spawn(_stop_task)
            _stop_task = None

    def close():
        pass

    def set_exception_handler(handler):
        Loop._exc_handler = handler

    def get_exception_handler():
        return Loop._exc_handler

    def default_exception_handler(loop, context):
        # CircuitPython prints the traceback on the console; here it goes to
        # the trace as an "exception" line (the judge writes it to stderr).
        import io
        import sys

        exc = context["exception"]
        buf = io.StringIO()
        sys.print_exception(exc, buf)
        _b_note(buf.getvalue().rstrip("\n"))

    def call_exception_handler(context):
        (Loop._exc_handler or Loop.default_exception_handler)(Loop, context)


def get_running_loop():
    return Loop


def get_event_loop(runq_len=0, waitq_len=0):
    return get_running_loop()


def current_task():
    if cur_task is None:
        raise RuntimeError("no running event loop")
    return cur_task


def new_event_loop():
    """Reset the event loop's state and return it (there is one loop): the
    tasks on the old queue are dropped, as the library's new `_task_queue` does
    not have them."""
    global cur_task
    # On the queue: a task whose `data` is not what it waits on (an event's or a lock's
    # queue, a task, gather's _Remove) but None or the exception it is to be thrown.
    for tid, t in list(_tasks.items()):
        if t is not cur_task and (t.data is None or _is_exc(t.data)):
            del _tasks[tid]
            _b_drop_task(tid)
    cur_task = None
    _exc_context["exception"] = None
    _exc_context["future"] = None
    return Loop


################################################################################
# funcs.py


async def _run(waiter, aw):
    try:
        result = await aw
        status = True
    except BaseException as er:
        result = None
        status = er
    if waiter.data is None:
        if waiter.cancel():
            waiter.data = CancelledError(status, result)


async def wait_for(aw, timeout, sleep=sleep):
    """Wait for *aw* to complete, but cancel it after *timeout* seconds."""
    aw = _promote_to_task(aw)
    if timeout is None:
        return await aw
    runner_task = create_task(_run(cur_task, aw))
    try:
        await sleep(timeout)
    except CancelledError as er:
        status = er.args[0] if er.args else None
        if status is None:
            runner_task.cancel()
            raise er
        elif status is True:
            return er.args[1]
        else:
            raise status
    runner_task.cancel()
    await runner_task
    raise TimeoutError


def wait_for_ms(aw, timeout):
    """`wait_for` with *timeout* in milliseconds."""
    return wait_for(aw, timeout, sleep_ms)


class _Remove:
    @staticmethod
    def remove(t):
        pass


async def gather(*aws, return_exceptions=False):
    """Run all *aws* concurrently; returns the list of their results."""
    if not aws:
        return []

    def done(t, er):
        nonlocal state
        if gather_task.data is not _Remove:
            return
        elif not return_exceptions and not isinstance(er, StopIteration):
            state = er
        else:
            state -= 1
            if state:
                return
        _push(gather_task)

    ts = [_promote_to_task(aw) for aw in aws]
    state = 0
    for i in range(len(ts)):
        if ts[i].state is True:
            ts[i].state = done
            state += 1
        elif not ts[i].state:
            if not isinstance(ts[i].data, StopIteration):
                if not return_exceptions:
                    state = -len(ts)
        else:
            raise RuntimeError("can't gather")

    gather_task = cur_task
    cancel_all = False

    if state > 0:
        gather_task.data = _Remove
        try:
            await _yield
        except CancelledError as er:
            cancel_all = True
            state = er

    for i in range(len(ts)):
        if ts[i].state is done:
            ts[i].state = True
            if cancel_all:
                ts[i].cancel()
        elif isinstance(ts[i].data, StopIteration):
            ts[i] = ts[i].data.value
        elif return_exceptions:
            ts[i] = ts[i].data
        elif isinstance(state, int):
            state = ts[i].data

    if state:
        raise state

    return ts


################################################################################
# event.py


class Event:
    """An event that tasks can wait for. Starts cleared."""

    def __init__(self):
        self._id = _b_event_new()
        self.waiting = _WaitQueue()

    def is_set(self):
        return _b_event_is_set(self._id)

    def set(self):
        for t in self.waiting.tasks:
            t.data = None
        self.waiting.tasks = []
        _b_event_set(self._id)

    def clear(self):
        _b_event_clear(self._id)

    async def wait(self):
        if _b_event_wait(self._id):
            self.waiting.tasks.append(cur_task)
            cur_task.data = self.waiting
            await _yield
        return True


################################################################################
# lock.py


class Lock:
    """A mutex for tasks; usable in `async with`."""

    def __init__(self):
        self._id = _b_lock_new()
        self.waiting = _WaitQueue()

    def locked(self):
        return _b_lock_locked(self._id)

    def release(self):
        if not _b_lock_release(self._id):
            raise RuntimeError("Lock not acquired")
        if self.waiting.tasks:
            self.waiting.tasks.pop(0).data = None

    async def acquire(self):
        if not _b_lock_acquire(self._id):
            me = cur_task
            self.waiting.tasks.append(me)
            me.data = self.waiting
            try:
                await _yield
            except CancelledError as er:
                if _b_lock_holder(self._id) == me._id:
                    # Cancelled after the lock was handed over: pass it on.
                    self.release()
                raise er
        return True

    async def __aenter__(self):
        return await self.acquire()

    async def __aexit__(self, exc_type, exc, tb):
        return self.release()
