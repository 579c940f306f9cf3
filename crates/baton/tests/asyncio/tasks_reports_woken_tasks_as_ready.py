# The inspector says Ready for every task in the run queue whose tick has
# come: a sleeper whose tick came, a waiter woken by its event, a task whose
# cancellation is pending; and lists them in the order they will run.
import asyncio
import time

from _baton_inspector import NAMES, core, ready_queue, row, spawn, tasks


async def sleeper():
    await asyncio.sleep(0.01)


async def waiter(ev):
    await ev.wait()


async def victim():
    await asyncio.Event().wait()


async def tasks_reports_woken_tasks_as_ready():
    ev = asyncio.Event()
    spawn(sleeper(), "sleeper")
    spawn(waiter(ev), "waiter")
    v = spawn(victim(), "victim")
    await asyncio.sleep(0)
    time.sleep(0.01)
    ev.set()
    v.cancel()
    print("ready:", ", ".join(NAMES[t] for t in ready_queue()))
    for t in tasks():
        print(row(t))
    await asyncio.sleep(0)


core.run_until_complete(spawn(tasks_reports_woken_tasks_as_ready()))
