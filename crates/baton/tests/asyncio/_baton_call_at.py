"""Baton's call_at, modelled with the library's own parts, for the programs
that import it. Not a program itself (regen.py and asyncio_expectations.rs
skip `_*.py`); whatever runs cpboard.py on a program puts this folder on
PYTHONPATH."""

# CircuitPython's asyncio has no background callbacks (Baton's call_at
# stands for what the firmware does in the background, like keypad's scan).
# This is Baton's rule, on the library's run loop: before each turn (the
# loop's wait_io_event) every callback due now runs, in time order, with
# the instant it was scheduled for; one that asks to run again is put back
# strictly after that instant; one that raises is stopped; and when the loop
# would wait, it waits only until the next callback. Callbacks take no turn.
import asyncio
import vboard

core = asyncio.core
CALLBACKS = []  # [when_us, seq, fn, handle]
SEQ = [0]


class Handle:
    def __init__(self):
        self.cancelled = False

    def cancel(self):
        self.cancelled = True


def _insert(when, fn, handle):
    SEQ[0] += 1
    CALLBACKS.append([when, SEQ[0], fn, handle])
    CALLBACKS.sort(key=lambda c: (c[0], c[1]))


def call_at(when_us, fn):
    h = Handle()
    _insert(when_us, fn, h)
    return h


def now_us():
    return vboard.CLOCK.now_us


def run_due():
    while CALLBACKS and CALLBACKS[0][0] <= now_us():
        at, _, fn, h = CALLBACKS.pop(0)
        if h.cancelled:
            continue
        try:
            nxt = fn(at)
        except Exception:
            h.cancelled = True
            continue
        if nxt is not None and not h.cancelled:
            _insert(max(nxt, at + 1), fn, h)


class Poller:
    def __init__(self, idle):
        self.idle = idle

    def register(self, s, mask=None):
        pass

    def modify(self, s, mask):
        pass

    def unregister(self, s):
        pass

    def ipoll(self, dt=-1):
        run_due()
        if dt == 0:
            return []
        target = (now_us() // 1000 + dt) * 1000 if dt > 0 else None
        if CALLBACKS and (target is None or CALLBACKS[0][0] < target):
            vboard.CLOCK.advance(max(0, CALLBACKS[0][0] - now_us()))
            run_due()
            return []
        return self.idle.ipoll(dt)


core._io_queue.poller = Poller(core._io_queue.poller)
