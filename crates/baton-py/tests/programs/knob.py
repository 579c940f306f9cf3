# rotaryio: a knob whose position counts the detents turned after it was made,
# settable; two knobs, one made late (turns before it do not count).
import asyncio
import board
import rotaryio
import digitalio


async def late_knob():
    await asyncio.sleep(0.6)
    knob = rotaryio.IncrementalEncoder(board.D10, board.D11)
    print("late knob made at", knob.position)
    last = 0
    while True:
        if knob.position != last:
            last = knob.position
            print("late knob", last)
        await asyncio.sleep_ms(7)


async def main():
    led = digitalio.DigitalInOut(board.D1)
    led.switch_to_output()
    asyncio.create_task(late_knob())
    with rotaryio.IncrementalEncoder(board.D8, board.D9) as knob:
        last = knob.position
        print("knob starts at", last)
        for i in range(150):
            p = knob.position
            if p != last:
                print("knob", p, "moved", p - last)
                last = p
                led.value = p % 2 == 0
            if p > 6:
                knob.position = 0
                last = 0
                print("knob set to", knob.position)
            await asyncio.sleep_ms(10)
    print("done")


asyncio.run(main())
