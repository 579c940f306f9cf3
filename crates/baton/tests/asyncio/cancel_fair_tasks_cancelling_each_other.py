# MicroPython's tests/extmod/asyncio_cancel_fair.py: tasks that keep
# cancelling each other don't take over the scheduler.
#
# Difference by design: a cancelled Baton task cannot catch the cancellation
# and go on looping as the original does; its future is dropped. So here a
# cancelled task prints and re-raises: task 1 ends at its first
# cancellation, and task 0's later cancel()s find it finished.
import asyncio


def cancelled(t):
    return t.done() and isinstance(t.data, asyncio.CancelledError)


async def task(id, other):
    for i in range(3):
        try:
            print("start", id)
            await asyncio.sleep(0)
            print("done", id)
        except asyncio.CancelledError:
            print("cancelled", id)
            raise
        if other is not None:
            print(id, "cancels", other)
            tasks[other].cancel()


async def main():
    global tasks
    tasks = [
        asyncio.create_task(task(0, 1)),
        asyncio.create_task(task(1, 0)),
        asyncio.create_task(task(2, None)),
    ]
    await tasks[2]
    print("task 1 cancelled: %s, task 0 done: %s" % (cancelled(tasks[1]), tasks[0].done()))


asyncio.run(main())
