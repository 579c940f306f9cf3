# `rainbowio.colorwheel`, bit-exact with CircuitPython.


def colorwheel(pos):
    pos = int(pos) & 255
    if pos < 85:
        return ((255 - pos * 3) << 16) | ((pos * 3) << 8)
    if pos < 170:
        pos -= 85
        return ((255 - pos * 3) << 8) | (pos * 3)
    pos -= 170
    return ((pos * 3) << 16) | (255 - pos * 3)
