# A callback that raises is stopped, and the scheduler carries on.
import asyncio

from _baton_call_at import call_at, now_us


calls = [0]


def cb(at):
    calls[0] += 1
    print("callback %d at %d" % (calls[0], at))
    if calls[0] == 2:
        raise ValueError("callback broke")
    return at + 1000


async def main():
    call_at(now_us(), cb)
    await asyncio.sleep(0.005)
    print("main still runs")


asyncio.run(main())
