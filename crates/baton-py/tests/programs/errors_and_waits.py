# Errors and waits: the loop's exception handler for tasks nobody awaits (and
# the default one back), a failed task awaited twice, a finished task awaited
# twice, wait_for on a task that swallows its cancel, negative and sub-ms
# sleeps, empty and nested gathers.
import asyncio

async def fail_later(t, exc):
    await asyncio.sleep(t)
    raise exc

async def swallow():
    while True:
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            print("swallowed")
            return "kept going"

async def named():
    t = asyncio.current_task()
    print("current is task:", t is not None)
    await asyncio.sleep_ms(1)
    return 7

def handler(loop, context):
    print("handler:", type(context["exception"]).__name__, context["exception"])

async def main():
    loop = asyncio.get_event_loop()
    loop.set_exception_handler(handler)
    asyncio.create_task(fail_later(0.003, ValueError("unretrieved")))
    t = asyncio.create_task(fail_later(0.004, ValueError("v5")))
    await asyncio.sleep(0.01)
    for i in range(2):
        try:
            await t
        except ValueError as e:
            print("awaited raise", i, e.args)
    n = asyncio.create_task(named())
    print("named", await n, await n)
    s = asyncio.create_task(swallow())
    try:
        r = await asyncio.wait_for(s, 0.005)
        print("wait_for gave", r)
    except asyncio.TimeoutError:
        print("wait_for timed out; s done", s.done())
    await asyncio.sleep(-1)
    print("negative sleep ok")
    await asyncio.sleep(0.0015)
    print("1.5 ms")
    await asyncio.sleep_ms(0)
    x = await asyncio.gather()
    print("empty gather", x)
    async def inner():
        return await asyncio.gather(named(), named())
    print("nested", await asyncio.gather(inner(), named()))
    loop.set_exception_handler(None)
    asyncio.create_task(fail_later(0.001, RuntimeError("default handler")))
    await asyncio.sleep(0.01)
    print("done")

asyncio.run(main())
