# A task that looks at the inspector sees itself running.
import asyncio

from _baton_inspector import core, row, spawn, tasks


async def tasks_shows_the_polled_task_running():
    for t in tasks():
        print(row(t))


core.run_until_complete(spawn(tasks_shows_the_polled_task_running()))
