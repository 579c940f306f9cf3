# cpboard: --poll-cost-us 1000
# MicroPython's tests/extmod/asyncio_fair.py: two tasks spinning on
# sleep(0) don't starve the two that sleep. Each poll costs 1 ms, so that
# time moves while the busy tasks spin.
import asyncio


async def task(id, t):
    print("task start", id)
    while True:
        if t > 0:
            print("task work", id)
        await asyncio.sleep(t)


async def main():
    t1 = asyncio.create_task(task(1, -0.01))
    t2 = asyncio.create_task(task(2, 0.1))
    t3 = asyncio.create_task(task(3, 0.18))
    t4 = asyncio.create_task(task(4, -100))
    await asyncio.sleep(0.5)
    t1.cancel()
    t2.cancel()
    t3.cancel()
    t4.cancel()
    print("finish")


asyncio.run(main())
