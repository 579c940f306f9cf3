# cpboard: --poll-cost-us 250
# Many ties: six tasks sleep 0-3 ms at a time (a pseudo-random program, the
# same generator as the Rust test's), and each poll costs a quarter of a
# tick, so tasks keep ending their sleeps in the same tick as others, and as
# tasks that yield. The order they resume in is the pairing heap's.
import asyncio

seed = [12345]


def rand(n):
    seed[0] = (seed[0] * 1103515245 + 12345) % 2147483648
    return (seed[0] >> 16) % n


async def task(id, sleeps):
    for i, k in enumerate(sleeps):
        await asyncio.sleep_ms(k)
        print("t%d woke %d (slept %d ms)" % (id, i, k))


async def main():
    programs = [[rand(4) for _ in range(12)] for _ in range(6)]
    tasks = [asyncio.create_task(task(id, sleeps)) for id, sleeps in enumerate(programs)]
    await asyncio.gather(*tasks)
    print("done")


asyncio.run(main())
