# pwmio: an LED that fades with PWMOut while another blinks; a duty cycle out
# of range and a fixed frequency refused; a variable frequency changed; the
# same duty cycle again records nothing.
import asyncio
import board
import digitalio
import pwmio


async def fade(pwm):
    for step in range(0, 65536, 4096):
        pwm.duty_cycle = step
        await asyncio.sleep(0.02)
    for step in range(65535, -1, -8192):
        pwm.duty_cycle = step
        await asyncio.sleep_ms(15)
    pwm.duty_cycle = 0
    pwm.duty_cycle = 0
    print("faded", pwm.duty_cycle, pwm.frequency)


async def blink(pin, interval, count):
    with digitalio.DigitalInOut(pin) as led:
        led.switch_to_output(value=False)
        for _ in range(count):
            led.value = not led.value
            await asyncio.sleep(interval)


async def main():
    pwm = pwmio.PWMOut(board.D5)
    print("created", pwm.duty_cycle, pwm.frequency)
    for bad in (-1, 65536, 100000):
        try:
            pwm.duty_cycle = bad
        except ValueError as e:
            print("refused", bad, e)
    try:
        pwm.frequency = 1000
    except AttributeError as e:
        print("refused", e)
    with pwmio.PWMOut(board.D6, duty_cycle=1000, frequency=2000, variable_frequency=True) as buzzer:
        buzzer.frequency = 440
        buzzer.frequency = 440
        buzzer.duty_cycle = 32768.9
        print("buzzer", buzzer.duty_cycle, buzzer.frequency)
    try:
        pwmio.PWMOut(board.D7, duty_cycle=70000)
    except ValueError as e:
        print("not created", e)
    await asyncio.gather(fade(pwm), blink(board.D1, 0.05, 12))
    pwm.deinit()
    print("done")


asyncio.run(main())
