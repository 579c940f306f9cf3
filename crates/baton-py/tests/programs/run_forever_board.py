# run_forever until stop() over the board: a blinking LED, two keys through
# keypad, a strip with auto_write off then on and its brightness changed; then
# a blocking sleep and a second asyncio.run after the loop has stopped.
import asyncio
import board
import digitalio
import keypad
import countio
import neopixel
import rainbowio
import time

async def blink(pin, t, n):
    with digitalio.DigitalInOut(pin) as led:
        led.switch_to_output()
        for i in range(n):
            led.value = not led.value
            await asyncio.sleep(t)

async def keys():
    with keypad.Keys((board.D3, board.D4), value_when_pressed=False, pull=True) as k:
        for i in range(40):
            ev = k.events.get()
            if ev:
                print("key", ev.key_number, ev.pressed, ev.released)
            await asyncio.sleep(0.005)

async def pixels():
    p = neopixel.NeoPixel(board.A0, 5, brightness=0.25, auto_write=False)
    for i in range(5):
        p[i] = rainbowio.colorwheel(i * 50)
        p.show()
        await asyncio.sleep(0.01)
    p.brightness = 0.5
    p.fill((1, 2, 3))
    p.show()
    p.auto_write = True
    p[0] = 0x102030
    print("pixel", p[0])

async def stopper(loop):
    await asyncio.sleep(0.15)
    print("stopping", time.monotonic() > 0)
    loop.stop()

loop = asyncio.new_event_loop()
loop.create_task(blink(board.D1, 0.013, 9))
loop.create_task(keys())
loop.create_task(pixels())
loop.create_task(stopper(loop))
loop.run_forever()
print("after run_forever")
time.sleep(0.01)
print("after blocking")
asyncio.run(blink(board.D2, 0.02, 3))
print("end")
