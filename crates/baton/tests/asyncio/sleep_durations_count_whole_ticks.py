# A sleep counts whole ticks (ms): sleep(t) is sleep_ms(int(t * 1000)), so
# anything under a millisecond is a plain yield and 1.999 ms is 1 ms; the
# sleep ends at the start of that tick, wherever in its first tick it began.
import asyncio

ticks = asyncio.core.ticks

DURATIONS = [
    ("1ns", 1e-9),
    ("499ns", 499e-9),
    ("7µs", 7e-6),
    ("999µs", 999e-6),
    ("1ms", 0.001),
    ("1.999ms", 0.001999),
    ("3ms", 0.003),
    ("250ms", 0.25),
]


async def main():
    for label, t in DURATIONS:
        start = ticks()
        await asyncio.sleep(t)
        print("%s: %d ticks" % (label, ticks() - start))


asyncio.run(main())
