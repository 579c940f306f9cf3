# `rotaryio` on the virtual board: a knob whose position counts the detents
# turned after it was created (input scripts name pin_a), plus what the program
# set it to; reading it costs nothing.
import _baton
from _vboard import Peripheral

# Looked up once: an attribute of a JavaScript object costs a lookup per use.
_turned = _baton.turned


class IncrementalEncoder(Peripheral):
    def __init__(self, pin_a, pin_b, divisor=4):
        self.pin = pin_a
        self._created = _baton.encoder_new(pin_a.name, pin_b.name)
        self._offset = 0

    def _turns(self):
        return int(_turned(self.pin.name, self._created))

    @property
    def position(self):
        return self._offset + self._turns()

    @position.setter
    def position(self, v):
        self._offset = int(v) - self._turns()
