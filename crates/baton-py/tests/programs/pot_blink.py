# analogio: a potentiometer sets how fast an LED blinks; its reading is 0 until
# the input script turns it, and reading it costs nothing.
import asyncio
import board
import digitalio
import analogio


async def main():
    led = digitalio.DigitalInOut(board.D1)
    led.switch_to_output()
    with analogio.AnalogIn(board.A1) as pot:
        other = analogio.AnalogIn(board.A2)
        print("reference", pot.reference_voltage, "pin", pot.pin)
        last = None
        while True:
            v = pot.value
            if v != last:
                print("pot", v, "A2", other.value)
                last = v
            led.value = not led.value
            # 10 ms at the top of the range, 200 ms at the bottom.
            await asyncio.sleep_ms(200 - v * 190 // 65535)


asyncio.run(main())
