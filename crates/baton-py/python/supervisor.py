# `supervisor`: ticks_ms(), as adafruit_ticks reads it.
from adafruit_ticks import ticks_ms
