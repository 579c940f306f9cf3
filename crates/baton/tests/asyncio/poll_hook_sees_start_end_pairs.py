# cpboard: --poll-cost-us 5
# The poll hook sees one start and one end per poll, at the clock when the
# poll starts (after its cost) and ends, with the task's state after the
# poll.
import asyncio

from _baton_inspector import HOOK, IDS, NAMES, core, outcome, spawn, state


async def blink(times):
    for _ in range(times):
        await asyncio.sleep(0.01)


def hook(event, t, er=None):
    if event == "start":
        print("start #%d %s" % (IDS[t], NAMES[t]))
    else:
        print("end #%d %s %s" % (IDS[t], NAMES[t], outcome(t, er) if er else state(t, running=False)))


async def poll_hook_sees_start_end_pairs():
    t = spawn(blink(1))
    await asyncio.sleep(0)
    await t


HOOK[0] = hook
core.run_until_complete(spawn(poll_hook_sees_start_end_pairs()))
HOOK[0] = None
spawn(blink(0))
core.run_until_complete()
