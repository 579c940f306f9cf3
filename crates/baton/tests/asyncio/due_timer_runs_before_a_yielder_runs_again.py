# A timer that falls due while a task blocks (time.sleep) takes its turn
# among the tasks queued at the current tick as the heap orders them: here
# before the sleep(0) loop runs again. The three tasks are created from
# outside, as the Rust test's host spawns them, and the loop runs until
# nothing is left to do.
import asyncio
import time


async def yielder():
    for i in range(4):
        print("y%d" % i)
        await asyncio.sleep(0)


async def sleeper():
    await asyncio.sleep(0.001)
    print("timer")


async def blocker():
    time.sleep(0.001)
    print("blocked 1 ms")


asyncio.create_task(yielder())
asyncio.create_task(sleeper())
asyncio.create_task(blocker())
# Run until nothing is queued (run_until_complete without a main task).
asyncio.core.run_until_complete()
