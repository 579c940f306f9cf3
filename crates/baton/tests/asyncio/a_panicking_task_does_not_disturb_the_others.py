# A task that raises ends as Failed; its `finally:` runs and the lock it
# held goes to the next waiter; other tasks and their timers are not
# disturbed, and the loop keeps working afterwards.
import asyncio

from _baton_inspector import core, spawn, state


async def ticker():
    for i in range(3):
        await asyncio.sleep(0.01)
        print("tick", i)


async def crasher():
    async with lock:
        try:
            await asyncio.sleep(0.015)
            raise ValueError("boom 42")
        finally:
            print("crasher finally")


async def next_():
    async with lock:
        print("next got the lock")


async def after():
    print("after")


asyncio.get_event_loop().set_exception_handler(lambda loop, context: None)
lock = asyncio.Lock()
spawn(ticker())
c = spawn(crasher(), "crasher")
spawn(next_())
core.run_until_complete()
print("crasher %s %r, lock locked %s" % (state(c), c.data, lock.locked()))
spawn(after())
core.run_until_complete()
