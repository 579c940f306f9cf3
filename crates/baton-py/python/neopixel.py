# `neopixel` on the virtual board: `show()` of n pixels costs 30n + 80 us of
# wire time; the frame is recorded with the colours as set.
import _baton

# Looked up once: an attribute of a JavaScript object costs a lookup per use.
_pixels_brightness = _baton.pixels_brightness
_pixels_new = _baton.pixels_new
_pixels_set = _baton.pixels_set
_pixels_show = _baton.pixels_show
from _vboard import Peripheral, stop_if

# The playground draws every pixel; the Rust demos have the same limit.
MAX_PIXELS = 256

RGB = "RGB"
GRB = "GRB"
RGBW = "RGBW"
GRBW = "GRBW"


def _rgb(color):
    if isinstance(color, int):
        return ((color >> 16) & 255, (color >> 8) & 255, color & 255)
    return tuple(color)


class NeoPixel(Peripheral):
    def __init__(self, pin, n, *, bpp=3, brightness=1.0, auto_write=True, pixel_order=None):
        if not 0 < n <= MAX_PIXELS:
            raise ValueError("the virtual board has room for 1 to {} pixels, not {}".format(MAX_PIXELS, n))
        self.pin = pin
        self.n = n
        self._brightness = brightness
        self.auto_write = auto_write
        self.buf = [(0, 0, 0)] * n
        self._h = _pixels_new(pin.name, n, brightness)

    @property
    def brightness(self):
        return self._brightness

    @brightness.setter
    def brightness(self, b):
        self._brightness = b
        _pixels_brightness(self._h, b)

    def _put(self, i, color):
        c = _rgb(color)
        self.buf[i] = c
        _pixels_set(self._h, i % self.n, ((c[0] & 255) << 16) | ((c[1] & 255) << 8) | (c[2] & 255))

    def __setitem__(self, i, color):
        if isinstance(i, slice):
            for j, c in zip(range(*i.indices(self.n)), color):
                self._put(j, c)
        else:
            if i < 0:
                i += self.n
            if not 0 <= i < self.n:
                raise IndexError("index out of range")
            self._put(i, color)
        if self.auto_write:
            self.show()

    def __getitem__(self, i):
        return self.buf[i]

    def __len__(self):
        return self.n

    def fill(self, color):
        for i in range(self.n):
            self._put(i, color)
        if self.auto_write:
            self.show()

    def show(self):
        stop_if(_pixels_show(self._h))

