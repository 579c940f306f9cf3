# A ThreadSafeFlag set by another thread wakes the task while the host is
# idle (no task queued, no timer set: the host waits for the "interrupt").
import asyncio

from _baton_threadsafeflag import HOST, ThreadSafeFlag


async def main():
    print("waiting")
    await flag.wait()
    print("woken")
    return 7


flag = ThreadSafeFlag()
HOST.append(flag.set)
print("main returned", asyncio.run(main()))
print("flag set after wait:", flag.is_set())
