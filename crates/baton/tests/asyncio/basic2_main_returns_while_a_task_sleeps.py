# MicroPython's tests/extmod/asyncio_basic2.py: main returns while a task it
# created still sleeps. asyncio.run returns main's value at once. Baton drops
# the tasks still alive when its executor is dropped (the Rust test drops it
# right after), which runs their destructors; here that is closing the
# coroutine, which runs its `finally:`.
import asyncio


async def forever():
    print("forever start")
    try:
        await asyncio.sleep(10)
        print("forever end (never)")
    finally:
        print("forever dropped")


async def main():
    global t
    print("main start")
    t = asyncio.create_task(forever())
    await asyncio.sleep(0.001)
    print("main done")
    return 42


print("main returned", asyncio.run(main()))
t.coro.close()
