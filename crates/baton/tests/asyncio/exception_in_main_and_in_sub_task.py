# MicroPython's tests/extmod/asyncio_exception.py: an exception in main
# comes out of asyncio.run (the Rust host catches the panic); one in a
# sub-task is the awaiting task's to handle; a sub-task created by a main
# that then raises never runs. The three runs share one clock.
import asyncio


async def main1():
    print("main start")
    raise ValueError(1)


try:
    asyncio.run(main1())
except ValueError as er:
    print("caught", repr(er))


async def task2():
    print("task start")
    raise ValueError(2)


async def main2():
    print("main start")
    try:
        await asyncio.create_task(task2())
    except ValueError as er:
        print("main got", repr(er))
    print("main done")


asyncio.run(main2())


async def task3():
    print("task run")


async def main3():
    print("main start")
    asyncio.create_task(task3())
    raise ValueError(3)


try:
    asyncio.run(main3())
except ValueError as er:
    print("caught", repr(er))
