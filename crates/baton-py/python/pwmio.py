# `pwmio` on the virtual board: a PWMOut is recorded (a `pwm` event) when it is
# created and whenever its duty cycle or frequency changes; setting it costs nothing.
import _baton
from _vboard import Peripheral

# Looked up once: an attribute of a JavaScript object costs a lookup per use.
_pwm = _baton.pwm


def _duty(v):
    v = int(v)
    if not 0 <= v <= 65535:
        raise ValueError("duty_cycle must be 0-65535")
    return v


class PWMOut(Peripheral):
    def __init__(self, pin, *, duty_cycle=0, frequency=500, variable_frequency=False):
        self.pin = pin
        self._variable = variable_frequency
        self._duty = int(duty_cycle)
        self._freq = int(frequency)
        _duty(self._duty)
        self._emit()

    def _emit(self):
        _pwm(self.pin.name, self._duty, self._freq)

    @property
    def duty_cycle(self):
        return self._duty

    @duty_cycle.setter
    def duty_cycle(self, v):
        v = _duty(v)
        if v != self._duty:
            self._duty = v
            self._emit()

    @property
    def frequency(self):
        return self._freq

    @frequency.setter
    def frequency(self, f):
        if not self._variable:
            raise AttributeError("PWM frequency not writable when variable_frequency is False")
        f = int(f)
        if f != self._freq:
            self._freq = f
            self._emit()
