# Dropping Baton's executor drops the tasks still alive, in the order they
# were created, with the executor reachable from their destructors. Here
# that is closing their coroutines after asyncio.run returns: a started one
# runs its `finally:`, one that never ran has nothing to run.
import asyncio
import time


async def sleeper():
    try:
        await asyncio.sleep(5)
    finally:
        print("sleeper dropped")


async def waiter(ev):
    try:
        await ev.wait()
    finally:
        print("waiter dropped")


async def never_polled():
    try:
        pass
    finally:
        print("never polled, dropped")


async def main():
    global left
    ev = asyncio.Event()
    left = [asyncio.create_task(sleeper()), asyncio.create_task(waiter(ev))]
    await asyncio.sleep(0)
    left.append(asyncio.create_task(never_polled()))


asyncio.run(main())
time.sleep(0.001)
for t in left:
    t.coro.close()
