# Task names default to the function that made the coroutine (Baton: the
# function that made the future: an async block is named after the function
# it is written in, a future type after its type, as std::future::ready(1)
# is "Ready"); names can also be given. The inspector lists the live tasks
# in id order, then the finished ones in the order they finished.
import asyncio

from _baton_inspector import NAMES, core, spawn, tasks


async def blink(times):
    for _ in range(times):
        await asyncio.sleep(0.01)


async def generic_blink(pin):
    pass


async def Ready(v):
    return v


async def task_names_default_to_the_async_fn():
    spawn(blink(0))
    spawn(blink(0), "led%d" % 2)
    spawn(Ready(1))


def names():
    print(", ".join(NAMES[t] for t in tasks()))


spawn(blink(0))
spawn(generic_blink(3))
spawn(blink(0), "led")
spawn(task_names_default_to_the_async_fn())
names()
core.run_until_complete()
names()
