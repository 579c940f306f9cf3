# MicroPython's tests/extmod/asyncio_cancel_fair2.py: a task that several
# others keep cancelling still gets its turn (and ends).
#
# Difference by design: the original task_a catches the cancellation and
# returns normally; a Baton task cannot, so here it re-raises and main gets
# CancelledError from awaiting it.
import asyncio


async def task_a():
    try:
        while True:
            print("sleep a")
            await asyncio.sleep(0)
    except asyncio.CancelledError:
        print("cancelled a")
        raise


async def task_b(id, other):
    while other.cancel():
        print("sleep b", id)
        await asyncio.sleep(0)
    print("done b", id)


async def main():
    t = asyncio.create_task(task_a())
    for i in range(3):
        asyncio.create_task(task_b(i, t))
    try:
        print("main got", await t)
    except asyncio.CancelledError as er:
        print("main got", repr(er))


asyncio.run(main())
