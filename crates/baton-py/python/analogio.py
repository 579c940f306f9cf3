# `analogio` on the virtual board: a potentiometer, 0 until an input script (or
# the page) turns it; reading it costs nothing.
import _baton
from _vboard import Peripheral

# Looked up once: an attribute of a JavaScript object costs a lookup per use.
_analog = _baton.analog


class AnalogIn(Peripheral):
    def __init__(self, pin):
        _baton.analog_new(pin.name)
        self.pin = pin
        self.reference_voltage = 3.3

    @property
    def value(self):
        return _analog(self.pin.name)
