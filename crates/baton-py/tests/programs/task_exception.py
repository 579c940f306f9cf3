# An exception that ends a task nobody awaits is reported (CircuitPython
# prints its traceback) and the other tasks keep running; with a handler set,
# the handler gets the report.
import asyncio


async def blink(name, n):
    for i in range(n):
        print(name, i)
        await asyncio.sleep_ms(4)


async def crash(ms):
    await asyncio.sleep_ms(ms)
    print("about to crash")
    raise ValueError("boom")


def handler(loop, context):
    print("handler:", context["message"], type(context["exception"]).__name__, context["exception"])


async def main():
    a = asyncio.create_task(blink("a", 5))
    asyncio.create_task(crash(6))
    await asyncio.sleep_ms(30)
    asyncio.get_event_loop().set_exception_handler(handler)
    asyncio.create_task(crash(1))
    b = asyncio.create_task(blink("b", 3))
    await asyncio.gather(a, b)
    print("still running")


asyncio.run(main())
