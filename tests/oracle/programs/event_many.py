# An Event waking many tasks: four waiters (three wait at once, one a little
# later), set by a fifth task.
import asyncio


async def waiter(name, ev, delay):
    if delay:
        await asyncio.sleep(delay)
    print(name, "waits")
    await ev.wait()
    print(name, "woke")


async def setter(ev):
    await asyncio.sleep(0.01)
    print("setter sets")
    ev.set()
    print("setter set")
    await asyncio.sleep(0)
    print("setter again")


async def main():
    ev = asyncio.Event()
    w0 = asyncio.create_task(waiter("w0", ev, 0))
    w1 = asyncio.create_task(waiter("w1", ev, 0))
    w2 = asyncio.create_task(waiter("w2", ev, 0.002))
    w3 = asyncio.create_task(waiter("w3", ev, 0))
    s = asyncio.create_task(setter(ev))
    await asyncio.gather(w0, w1, w2, w3, s)
    print("done")


asyncio.run(main())
