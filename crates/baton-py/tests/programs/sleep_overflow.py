# A sleep of 2**28 ms or more raises OverflowError at the sleep's call, in the
# task that sleeps (the library's ticks_add refuses it); one just under sleeps
# past the end of any run. wait_for's timeout is a sleep too.
import asyncio
import board
import digitalio


async def forever():
    print("sleeps for 2**28 - 1 ms")
    await asyncio.sleep_ms((1 << 28) - 1)
    print("never")


async def slow():
    await asyncio.sleep_ms(30)
    return "slow done"


async def main():
    asyncio.create_task(forever())
    led = digitalio.DigitalInOut(board.D1)
    led.switch_to_output()
    for t in (300000, 268435.456, 10**9):
        try:
            await asyncio.sleep(t)
        except OverflowError as e:
            print("sleep", t, "OverflowError", e)
        led.value = not led.value
    try:
        await asyncio.sleep_ms(1 << 28)
    except OverflowError as e:
        print("sleep_ms OverflowError", e)
    await asyncio.sleep_ms(5)
    try:
        print(await asyncio.wait_for(slow(), 300000))
    except OverflowError as e:
        print("wait_for OverflowError", e)
    # The task wait_for started still runs: at its end it cancels its waiter, main, as
    # the library's _run does.
    try:
        await asyncio.sleep_ms(50)
    except asyncio.CancelledError as e:
        print("main cancelled by wait_for's runner", e.args)
    print(await asyncio.wait_for_ms(slow(), 40))
    led.value = not led.value


asyncio.run(main())
