# MicroPython's tests/extmod/asyncio_event_fair.py: tasks that keep setting
# and waiting on an event don't take over the scheduler.
import asyncio


async def task(id, t):
    for i in range(4):
        print("sleep", id)
        await asyncio.sleep(t)


async def task_event(id, ev):
    for i in range(4):
        ev.set()
        ev.clear()
        print("wait", id)
        await ev.wait()


async def main():
    ev = asyncio.Event()
    asyncio.create_task(task(0, 0))
    t = asyncio.create_task(task_event(2, ev))
    asyncio.create_task(task(1, 0))
    asyncio.create_task(task_event(3, ev))
    await t
    ev.set()


asyncio.run(main())
