# `adafruit_ticks` (1.1.7's arithmetic): milliseconds that wrap at 2**29. A
# program's own ticks_ms() reads the clock, which costs 1 us, as time.monotonic().
from _vtime import monotonic, _now_us

_MAX = (1 << 29) - 1
_HALF = 1 << 28


def ticks_ms():
    monotonic()
    return (int(_now_us()) // 1000) & _MAX


def ticks_add(ticks, delta):
    if -_HALF < delta < _HALF:
        return (ticks + delta) % (1 << 29)
    raise OverflowError("ticks interval overflow")


def ticks_diff(t1, t2):
    d = (t1 - t2) & _MAX
    return ((d + _HALF) & _MAX) - _HALF


def ticks_less(t1, t2):
    return ticks_diff(t2, t1) > 0
