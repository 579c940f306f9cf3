# Lock: handed to waiters in order; async with; a waiter cancelled before the
# hand-over leaves the list; release without acquire is an error.
import asyncio


async def user(name, lock, hold_ms):
    print(name, "wants the lock, locked:", lock.locked())
    async with lock:
        print(name, "has it")
        await asyncio.sleep_ms(hold_ms)
        print(name, "releases")


async def main():
    lock = asyncio.Lock()
    a = asyncio.create_task(user("a", lock, 10))
    b = asyncio.create_task(user("b", lock, 5))
    c = asyncio.create_task(user("c", lock, 5))
    d = asyncio.create_task(user("d", lock, 1))
    await asyncio.sleep_ms(2)
    c.cancel()
    await asyncio.gather(a, b, d)
    print("c done:", c.done(), "locked:", lock.locked())
    try:
        lock.release()
    except RuntimeError as e:
        print("RuntimeError", e)
    await lock.acquire()
    print("main has it, locked:", lock.locked())
    lock.release()


asyncio.run(main())
