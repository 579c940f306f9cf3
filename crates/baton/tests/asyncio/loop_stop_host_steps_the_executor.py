# cpboard: --poll-cost-us 0
# MicroPython's tests/extmod/asyncio_loop_stop.py. The Rust test's host polls
# the executor one task at a time where this program stops the loop
# (loop.stop() + run_forever); the loop's stopper task would cost polls that
# Baton's host does not take, so both run at no poll cost: only the order is
# compared.
import asyncio


async def task():
    print("task")


async def main():
    print("start")
    # Stop the loop after next yield
    loop.stop()
    print("sleep")
    await asyncio.sleep(0)
    # Schedule stop, then create a new task, then yield
    loop.stop()
    asyncio.create_task(task())
    await asyncio.sleep(0)
    # Final stop
    print("end")
    loop.stop()


loop = asyncio.get_event_loop()
loop.create_task(main())
for i in range(3):
    print("run", i)
    loop.run_forever()
