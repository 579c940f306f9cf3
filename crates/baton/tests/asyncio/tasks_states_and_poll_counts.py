# The inspector's view of each task after its polls: Ready, Running,
# Sleeping until the start of its tick, Waiting, Done, Cancelled, Failed,
# and how often it was polled (a cancelled task's last poll is the turn at
# which it ends), looked at by the main task; and the tasks due now, in the
# order they will run.
import asyncio

from _baton_inspector import IDS, core, ready_queue, row, spawn, tasks


async def blink(times):
    for _ in range(times):
        await asyncio.sleep(0.01)


async def waiter():
    await ev.wait()


async def yielder():
    await asyncio.sleep(0)


async def victim():
    await asyncio.sleep(100)


async def crasher():
    raise ValueError("boom")


def show():
    for t in tasks():
        print(row(t))


async def tasks_states_and_poll_counts():
    spawn(blink(2))
    spawn(waiter(), "waiter")
    spawn(yielder(), "yielder")
    v = spawn(victim(), "victim")
    spawn(crasher(), "crasher")
    show()
    await asyncio.sleep(0)
    show()
    print("ready:", " ".join("#%d" % IDS[t] for t in ready_queue()))
    v.cancel()
    await asyncio.sleep(0)
    show()
    ev.set()
    await asyncio.sleep(0.03)
    show()


asyncio.get_event_loop().set_exception_handler(lambda loop, context: None)
ev = asyncio.Event()
core.run_until_complete(spawn(tasks_states_and_poll_counts()))
