# A press and a release of one pin at the same microsecond (simultaneous_inputs.inputs.jsonl,
# where the press comes first): the judge sorts its input events by (time, pin, pressed), so
# the release comes first and the pin stays pressed. countio counts one edge, not two; a polled
# input and the keypad see the pin held down.
import asyncio
import board
import countio
import digitalio
import keypad


async def count():
    with countio.Counter(board.D5, edge=countio.Edge.RISE_AND_FALL) as c:
        for _ in range(12):
            await asyncio.sleep(0.01)
            print("count", c.count)


async def poll():
    pin = digitalio.DigitalInOut(board.D6)
    for _ in range(12):
        print("D6", pin.value)
        await asyncio.sleep(0.01)


async def keys():
    with keypad.Keys((board.D3,), value_when_pressed=False) as k:
        for _ in range(12):
            e = k.events.get()
            if e:
                print("key", e.key_number, e.pressed)
            await asyncio.sleep(0.01)


async def main():
    await asyncio.gather(count(), poll(), keys())


asyncio.run(main())
