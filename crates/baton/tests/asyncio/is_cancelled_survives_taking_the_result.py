# A cancelled task is done and cancelled, also after its result (the
# CancelledError) has been taken by awaiting it.
import asyncio


def cancelled(t):
    return t.done() and isinstance(t.data, asyncio.CancelledError)


async def forever():
    await asyncio.Event().wait()


async def main():
    t = asyncio.create_task(forever())
    t.cancel()
    try:
        await t
    except asyncio.CancelledError as er:
        print(repr(er), t.done(), cancelled(t))


asyncio.run(main())
