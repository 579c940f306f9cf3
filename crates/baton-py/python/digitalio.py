# `digitalio` on the virtual board: outputs are recorded when their level
# changes; inputs are buttons, active-low, pulled up.
import _baton
from _vboard import Peripheral

# Looked up once: an attribute of a JavaScript object costs a lookup per use.
_output = _baton.output
_read = _baton.read
_write = _baton.write


class Direction:
    INPUT = "INPUT"
    OUTPUT = "OUTPUT"


class Pull:
    UP = "UP"
    DOWN = "DOWN"


class DriveMode:
    PUSH_PULL = "PUSH_PULL"
    OPEN_DRAIN = "OPEN_DRAIN"


class DigitalInOut(Peripheral):
    def __init__(self, pin):
        self.pin = pin
        self._value = None
        self._output = False
        self._h = None
        self.pull = None

    def switch_to_output(self, value=False, drive_mode=None):
        self._output = True
        self._set(bool(value))

    def switch_to_input(self, pull=None):
        self._output = False
        self.pull = pull

    @property
    def direction(self):
        return Direction.OUTPUT if self._output else Direction.INPUT

    @direction.setter
    def direction(self, d):
        if d == Direction.OUTPUT:
            self.switch_to_output()
        else:
            self.switch_to_input()

    def _set(self, v):
        if v != self._value:
            self._value = v
            if self._h is None:
                self._h = _output(self.pin.name)
            _write(self._h, v)

    @property
    def value(self):
        if self._output:
            return self._value
        return _read(self.pin.name)

    @value.setter
    def value(self, v):
        self._set(bool(v))
