# The board modules together: a DigitalInOut input, keypad, countio, a
# NeoPixel strip with auto_write, blocking time and monotonic, in tasks.
import asyncio
import time
import board
import countio
import digitalio
import keypad
import neopixel
from rainbowio import colorwheel

strip = neopixel.NeoPixel(board.D5, 3, brightness=0.5)


async def watch_button():
    button = digitalio.DigitalInOut(board.D2)
    last = button.value
    while True:
        if button.value != last:
            last = button.value
            print("D2 is", "released" if last else "pressed", "count", counter.count)
        await asyncio.sleep_ms(1)


async def keys_task():
    with keypad.Keys((board.D3, board.D4), value_when_pressed=False) as keys:
        while True:
            e = keys.events.get()
            if e:
                print("key", e.key_number, "pressed" if e.pressed else "released")
                strip[e.key_number] = colorwheel(e.key_number * 80) if e.pressed else 0
            await asyncio.sleep(0)


async def main():
    global counter
    counter = countio.Counter(board.D2, edge=countio.Edge.RISE_AND_FALL)
    led = digitalio.DigitalInOut(board.LED)
    led.switch_to_output(value=True)
    asyncio.create_task(watch_button())
    asyncio.create_task(keys_task())
    strip.fill((1, 2, 3))
    t0 = time.monotonic()
    time.sleep(0.0015)
    print("blocked for", round((time.monotonic() - t0) * 1e6), "us")
    for i in range(30):
        led.value = not led.value
        await asyncio.sleep(0.05)
    print("pixel 0 is", strip[0], "len", len(strip))


asyncio.run(main())
