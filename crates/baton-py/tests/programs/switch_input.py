# digitalio: an output switched to an input with a pull-up (then read as a
# button), Direction, Pull and DriveMode, and the direction property both ways.
import asyncio
import board
import digitalio
from digitalio import Direction, DriveMode, Pull


async def main():
    pin = digitalio.DigitalInOut(board.D3)
    pin.switch_to_output(value=True, drive_mode=DriveMode.PUSH_PULL)
    print("direction", pin.direction == Direction.OUTPUT, pin.value)
    pin.value = False
    pin.switch_to_input(pull=Pull.UP)
    print("direction", pin.direction == Direction.INPUT, pin.value)
    led = digitalio.DigitalInOut(board.D1)
    led.direction = Direction.OUTPUT
    print("led", led.direction == Direction.OUTPUT, led.value)
    other = digitalio.DigitalInOut(board.D4)
    other.direction = Direction.INPUT
    other.switch_to_input(pull=Pull.DOWN)
    print("other", other.direction == Direction.INPUT, Pull.UP != Pull.DOWN, DriveMode.OPEN_DRAIN != DriveMode.PUSH_PULL)
    last = pin.value
    for _ in range(120):
        if pin.value != last:
            last = pin.value
            led.value = not last
            print("D3", "released" if last else "pressed", "D4", other.value)
        await asyncio.sleep_ms(5)
    print("done")


asyncio.run(main())
