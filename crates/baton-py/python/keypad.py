# `keypad` on the virtual board: the keys are scanned every 20 ms from the
# creation of `Keys` (by Baton, as a background callback); one event per
# changed key per scan.
import _baton
from _vboard import Peripheral

# Looked up once: an attribute of a JavaScript object costs a lookup per use.
_keys_get = _baton.keys_get
_keys_len = _baton.keys_len
_keys_new = _baton.keys_new


class Event:
    def __init__(self, key_number=0, pressed=True):
        self.key_number = key_number
        self.pressed = pressed
        self.released = not pressed

    def __eq__(self, other):
        return self.key_number == other.key_number and self.pressed == other.pressed

    def __repr__(self):
        return "<Event: key_number {} {}>".format(self.key_number, "pressed" if self.pressed else "released")


class EventQueue:
    def __init__(self, h):
        self._h = h

    def get(self):
        e = _keys_get(self._h)
        if e < 0:
            return None
        return Event(e >> 1, bool(e & 1))

    def get_into(self, event):
        """Fills `event` with the next event, without making a new one: `True`
        if there was one."""
        e = _keys_get(self._h)
        if e < 0:
            return False
        event.key_number = e >> 1
        event.pressed = bool(e & 1)
        event.released = not event.pressed
        return True

    def clear(self):
        while _keys_get(self._h) >= 0:
            pass

    # Also the queue's truth: without a `__bool__`, Python asks `__len__`.
    def __len__(self):
        return _keys_len(self._h)

    # The virtual board's queue has room for every event: it never drops one.
    overflowed = False


class Keys(Peripheral):
    def __init__(self, pins, *, value_when_pressed, pull=True, interval=0.02, max_events=64):
        self.pins = [p.name for p in pins]
        self.key_count = len(self.pins)
        self._h = _keys_new(",".join(self.pins), bool(value_when_pressed))
        self.events = EventQueue(self._h)
