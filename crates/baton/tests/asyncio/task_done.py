# MicroPython's tests/extmod/asyncio_task_done.py (a raise is a panic in
# Rust).
import asyncio


async def task(t, exc):
    print("task start")
    if t is not None:
        await asyncio.sleep(t)
    if exc:
        raise exc
    print("task done")


async def main():
    asyncio.get_event_loop().set_exception_handler(lambda loop, context: None)
    for t, exc in [(None, None), (0.01, None), (None, ValueError), (0.01, ValueError)]:
        print("=" * 10)
        tk = asyncio.create_task(task(t, exc))
        print(tk.done())
        await asyncio.sleep(0)
        print(tk.done())
        try:
            await tk
        except ValueError as er:
            print(repr(er))
        print(tk.done())


asyncio.run(main())
