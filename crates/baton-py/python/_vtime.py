# `time` on the virtual board (installed as sys.modules["time"]): a blocking
# sleep advances virtual time while the task keeps control; reading the clock
# costs 1 us.
import _baton

# Looked up once: an attribute of a JavaScript object costs a lookup per use.
_monotonic = _baton.monotonic
_now_us = _baton.now_us
_sleep_us = _baton.sleep_us
from _vboard import stop_if, StopSimulation


def sleep(s):
    stop_if(_sleep_us(float(round(s * 1e6))))


def monotonic():
    t = _monotonic()
    if t < 0:
        raise StopSimulation()
    return t


def monotonic_ns():
    monotonic()
    return int(_now_us()) * 1000


def time():
    return monotonic()
