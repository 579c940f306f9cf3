# Task.cancel(): a sleeper is brought forward and may catch the error and go
# on awaiting; a cancel of a task that awaits another goes to that one; cancel
# of a finished task is False; a task cannot cancel itself.
import asyncio


async def stubborn():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("stubborn caught it")
    await asyncio.sleep_ms(5)
    print("stubborn goes on")
    return "finished anyway"


async def inner():
    try:
        await asyncio.sleep(10)
    finally:
        print("inner cleans up")


async def outer(t):
    try:
        await t
    except asyncio.CancelledError:
        print("outer sees the cancel")
        raise


async def main():
    s = asyncio.create_task(stubborn())
    await asyncio.sleep_ms(3)
    print("cancel stubborn:", s.cancel())
    print("stubborn gives", await s)
    i = asyncio.create_task(inner())
    o = asyncio.create_task(outer(i))
    await asyncio.sleep_ms(2)
    print("cancel outer:", o.cancel())
    try:
        await o
    except asyncio.CancelledError:
        print("outer was cancelled; inner done:", i.done())
    print("cancel again:", o.cancel())
    try:
        asyncio.current_task().cancel()
    except RuntimeError as e:
        print("RuntimeError", e)


asyncio.run(main())
