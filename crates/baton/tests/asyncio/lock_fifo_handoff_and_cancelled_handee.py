# Lock hand-off is FIFO: the lock goes to the first waiter even if a
# newcomer asks before that waiter runs; a waiter cancelled after it was
# handed the lock passes it on to the next one.
import asyncio


async def waiter(name, lock):
    print(name, "waits")
    try:
        await lock.acquire()
    except asyncio.CancelledError:
        print(name, "cancelled")
        raise
    try:
        print(name, "has it")
        await asyncio.sleep(0)
        print(name, "releases")
    finally:
        lock.release()


async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    print("main has it")
    w1 = asyncio.create_task(waiter("w1", lock))
    w2 = asyncio.create_task(waiter("w2", lock))
    w3 = asyncio.create_task(waiter("w3", lock))
    await asyncio.sleep(0)
    lock.release()
    print("main released, locked", lock.locked())
    w1.cancel()
    newcomer = asyncio.create_task(waiter("newcomer", lock))
    await asyncio.gather(w1, w2, w3, newcomer, return_exceptions=True)
    print("locked", lock.locked())


asyncio.run(main())
