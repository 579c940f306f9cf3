# adafruit_ticks and supervisor.ticks_ms: a deadline in wrapping milliseconds,
# met by a polling loop (each ticks_ms() costs 1 us, as time.monotonic() does);
# time.monotonic_ns; the wrap at 2**29 and ticks_add's refusal of half of it.
import asyncio
import board
import digitalio
import supervisor
import time
from adafruit_ticks import ticks_add, ticks_diff, ticks_less, ticks_ms

MAX = 1 << 29

print("add", ticks_add(MAX - 5, 10), ticks_add(3, -10), ticks_add(0, (1 << 28) - 1))
print("diff", ticks_diff(4, MAX - 6), ticks_diff(MAX - 6, 4), ticks_diff(100, 40))
print("less", ticks_less(MAX - 1, 2), ticks_less(2, MAX - 1), ticks_less(5, 5))
for delta in (1 << 28, -(1 << 28), 1 << 30):
    try:
        ticks_add(0, delta)
    except OverflowError as e:
        print("refused", delta, e)


async def blink():
    led = digitalio.DigitalInOut(board.D2)
    led.switch_to_output()
    while True:
        led.value = not led.value
        await asyncio.sleep_ms(25)


async def main():
    asyncio.create_task(blink())
    led = digitalio.DigitalInOut(board.D1)
    led.switch_to_output()
    for round_ in range(6):
        start = supervisor.ticks_ms()
        deadline = ticks_add(start, 120)
        polls = 0
        while ticks_less(ticks_ms(), deadline):
            polls += 1
            await asyncio.sleep(0)
        led.value = not led.value
        ns = time.monotonic_ns()
        print("round", round_, "late by", ticks_diff(ticks_ms(), deadline), "ms", "polls", polls, "ns", ns)
    t0 = time.monotonic_ns()
    spins = 0
    while time.monotonic_ns() - t0 < 50_000:
        spins += 1
    print("spun", spins, "to", time.monotonic_ns() - t0)


asyncio.run(main())
