# The inspector remembers the 32 most recently finished tasks, oldest
# first, after the live ones.
import asyncio

from _baton_inspector import NAMES, core, spawn, tasks


async def nop():
    pass


async def sleeper():
    await asyncio.sleep(0.001)


async def tasks_remembers_the_last_32_finished():
    for i in range(40):
        spawn(nop(), "t%d" % i)
    spawn(sleeper())
    await asyncio.sleep(0)
    print(", ".join(NAMES[t] for t in tasks()))


core.run_until_complete(spawn(tasks_remembers_the_last_32_finished()))
