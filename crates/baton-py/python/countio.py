# `countio` on the virtual board: every qualifying edge counts, bounce included.
import _baton
from _vboard import Peripheral

# Looked up once: an attribute of a JavaScript object costs a lookup per use.
_counter_count = _baton.counter_count
_counter_new = _baton.counter_new
_counter_set = _baton.counter_set


class Edge:
    RISE = 0
    FALL = 1
    RISE_AND_FALL = 2


class Counter(Peripheral):
    def __init__(self, pin, *, edge=Edge.FALL, pull=None):
        self.pin = pin
        self._h = _counter_new(pin.name, edge)

    @property
    def count(self):
        return int(_counter_count(self._h))

    @count.setter
    def count(self, v):
        _counter_set(self._h, v)

    def reset(self):
        self.count = 0
