# MicroPython's tests/extmod/asyncio_wait_for_fwd.py, the case that doesn't
# catch the cancellation (catch=False, catch_inside=False): cancelling a task
# that is in wait_for cancels the awaited task too. A Baton task can't catch
# a cancellation and carry on, so the other cases are left out.
import asyncio


async def awaiting(t):
    try:
        print("awaiting started")
        await asyncio.sleep(t)
    except asyncio.CancelledError as er:
        print("awaiting canceled")
        raise er


async def wait():
    try:
        await asyncio.wait_for(awaiting(2), 1)
    except asyncio.TimeoutError as er:
        print("Got timeout error")
        raise er
    except asyncio.CancelledError as er:
        print("Got canceled")
        raise er


async def cancel(t):
    print("cancel started")
    await asyncio.sleep(0.01)
    print("cancel wait()")
    t.cancel()


async def main():
    t = asyncio.create_task(wait())
    asyncio.create_task(cancel(t))
    try:
        await t
    except asyncio.CancelledError:
        print("waiting got cancelled")


asyncio.run(main())
