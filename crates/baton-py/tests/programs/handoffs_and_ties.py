# Hand-offs and ties: a lock whose next holder is cancelled before it runs, an
# event set and cleared before its waiters run, wait_for whose work ends on the
# timeout's own tick, gather with a failing child, and a gather cancelled.
import asyncio

async def holder(lock, name, hold):
    print(name, "wants")
    async with lock:
        print(name, "has")
        await asyncio.sleep(hold)
    print(name, "released")

async def ticker(ev):
    for i in range(3):
        await asyncio.sleep(0)
        print("tick", i, ev.is_set())
    ev.set()
    ev.clear()
    print("set+clear", ev.is_set())

async def waiter(ev, n):
    await ev.wait()
    print("waiter", n, "woke", ev.is_set())

async def main():
    lock = asyncio.Lock()
    a = asyncio.create_task(holder(lock, "a", 0.01))
    b = asyncio.create_task(holder(lock, "b", 0.01))
    c = asyncio.create_task(holder(lock, "c", 0.01))
    await asyncio.sleep(0.005)
    b.cancel()
    await asyncio.sleep(0)
    print("b done", b.done())
    await asyncio.gather(a, c)
    ev = asyncio.Event()
    ws = [asyncio.create_task(waiter(ev, i)) for i in range(3)]
    await ticker(ev)
    await asyncio.sleep(0)
    print([w.done() for w in ws])
    # wait_for where inner ends on the same tick as the timeout
    async def same(t):
        await asyncio.sleep(t)
        return "same"
    try:
        print(await asyncio.wait_for(same(0.02), 0.02))
    except asyncio.TimeoutError:
        print("timeout at tie")
    try:
        print(await asyncio.wait_for_ms(same(0.021), 20))
    except asyncio.TimeoutError:
        print("timeout ms")
    # gather, an exception without return_exceptions
    async def boom(t):
        await asyncio.sleep(t)
        raise ValueError("boom %s" % t)
    async def ok(t):
        await asyncio.sleep(t)
        print("ok", t, "finished")
        return t
    try:
        r = await asyncio.gather(ok(0.01), boom(0.005), ok(0.02))
        print("gather", r)
    except ValueError as e:
        print("gather raised", e)
    await asyncio.sleep(0.03)
    r = await asyncio.gather(ok(0.001), boom(0.002), return_exceptions=True)
    print("gather re", [type(x).__name__ for x in r])
    # cancel a gather
    g = asyncio.create_task(asyncio.gather(ok(0.05), ok(0.06)))
    await asyncio.sleep(0.01)
    g.cancel()
    try:
        await g
    except asyncio.CancelledError:
        print("gather cancelled")
    await asyncio.sleep(0.1)
    print("end")

asyncio.run(main())
