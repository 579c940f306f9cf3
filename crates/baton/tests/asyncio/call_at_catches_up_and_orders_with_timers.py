# A callback that falls due while a task blocks (time.sleep) gets the
# instant it was scheduled for, and catches up (one call per missed
# period), all before the next task is polled.
import asyncio
import time

from _baton_call_at import call_at, core


def cb(at):
    print("cb at=%d" % at)
    return at + 10000 if at < 30000 else None


async def task():
    await asyncio.sleep(0.01)
    print("task")


async def blocker():
    time.sleep(0.035)
    print("blocked 35 ms")


call_at(10000, cb)
asyncio.create_task(task())
asyncio.create_task(blocker())
core.run_until_complete()
