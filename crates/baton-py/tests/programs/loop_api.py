# The loop API: get_event_loop, loop.create_task, run_forever until stop(),
# run_until_complete, new_event_loop, current_task, and asyncio.run's value.
import asyncio


async def worker(loop, n):
    for i in range(n):
        print("work", i)
        await asyncio.sleep_ms(3)
    print("stopping the loop")
    loop.stop()


async def answer():
    await asyncio.sleep_ms(1)
    return 42


async def check_current():
    t = asyncio.current_task()
    await asyncio.sleep(0)
    return t is asyncio.current_task()


loop = asyncio.new_event_loop()
print("same loop:", loop is asyncio.get_event_loop())
loop.create_task(worker(loop, 3))
loop.run_forever()
print("loop stopped")
print("run_until_complete:", loop.run_until_complete(answer()))
print("run gives", asyncio.run(answer()))
print("current task is stable:", asyncio.run(check_current()))
try:
    asyncio.current_task()
except RuntimeError as e:
    print("outside a task:", e)
