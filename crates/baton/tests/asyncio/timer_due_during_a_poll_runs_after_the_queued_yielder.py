# cpboard: --poll-cost-us 600
# The same with time passing during polls (each costs 600 µs): a sleep(0)
# loop and a 1 ms sleeper, created from outside; the loop runs until
# nothing is left to do.
import asyncio


async def yielder():
    for i in range(5):
        print("y%d" % i)
        await asyncio.sleep(0)


async def sleeper():
    print("sleep 1ms")
    await asyncio.sleep(0.001)
    print("timer")


asyncio.create_task(yielder())
asyncio.create_task(sleeper())
# Run until nothing is queued (run_until_complete without a main task).
asyncio.core.run_until_complete()
