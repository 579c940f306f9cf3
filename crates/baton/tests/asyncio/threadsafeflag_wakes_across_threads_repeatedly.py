# cpboard: --poll-cost-us 0
# A ThreadSafeFlag set by another thread, round after round, while the task
# waits for it. In the Rust test the thread races the task (it may set the
# flag before the task waits again), so the number of polls varies: both
# run at no poll cost, and only the end is compared.
import asyncio

from _baton_threadsafeflag import HOST, ThreadSafeFlag


async def main():
    for _ in range(ROUNDS):
        HOST.append(flag.set)
        await flag.wait()
    print("all rounds done")


ROUNDS = 200
flag = ThreadSafeFlag()
asyncio.run(main())
