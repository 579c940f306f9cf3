# A busy poller (`await asyncio.sleep(0)` in a loop) against a task with a
# 5 ms timer: the timer task still gets its turn, and the poller sees each
# tick at its next turn.
import asyncio


class State:
    def __init__(self):
        self.ticks = 0
        self.stop = False


async def poller(state):
    polls = 0
    seen = 0
    while True:
        polls += 1
        if state.ticks != seen:
            seen = state.ticks
            print("poller saw tick", seen, "after", polls, "polls")
        if state.stop:
            break
        await asyncio.sleep(0)
    print("poller stops after", polls, "polls")


async def ticker(state):
    for _ in range(5):
        await asyncio.sleep(0.005)
        state.ticks += 1
        print("tick", state.ticks)
    state.stop = True


async def main():
    state = State()
    p = asyncio.create_task(poller(state))
    t = asyncio.create_task(ticker(state))
    await asyncio.gather(p, t)
    print("done")


asyncio.run(main())
