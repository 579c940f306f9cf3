# asyncio.new_event_loop() between two runs: the first run's tasks that are
# still queued (a blinker sleeping, a task made but not started, one woken by
# an event) are dropped; one that waits on an event stays, and an event set in
# the second run brings it back.
import asyncio
import board
import digitalio


async def blink(pin, ms):
    led = digitalio.DigitalInOut(pin)
    led.switch_to_output()
    while True:
        led.value = not led.value
        await asyncio.sleep_ms(ms)


async def waiter(name, event):
    print(name, "waits")
    await event.wait()
    print(name, "woken")
    while True:
        print(name, "runs")
        await asyncio.sleep_ms(40)


async def first():
    asyncio.create_task(blink(board.D1, 30))
    asyncio.create_task(waiter("survivor", survivor_event))
    asyncio.create_task(waiter("dropped", woken_event))
    await asyncio.sleep_ms(100)
    woken_event.set()
    asyncio.create_task(blink(board.D3, 10))
    print("first ends")


async def second():
    asyncio.create_task(blink(board.D2, 25))
    await asyncio.sleep_ms(90)
    survivor_event.set()
    await asyncio.sleep_ms(200)
    print("second ends")


survivor_event = asyncio.Event()
woken_event = asyncio.Event()
asyncio.run(first())
loop = asyncio.new_event_loop()
print("new loop", loop is asyncio.get_event_loop())
asyncio.run(second())
asyncio.new_event_loop()
asyncio.run(second())
