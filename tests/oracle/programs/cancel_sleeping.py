# Cancelling a sleeping task: the task sleeps 1 s; after 10 ms main cancels
# it. The task catches CancelledError, prints and re-raises; main, awaiting
# it, gets the CancelledError.
import asyncio


async def sleeper():
    try:
        print("sleeper sleeps")
        await asyncio.sleep(1)
        print("sleeper woke")
    except asyncio.CancelledError:
        print("sleeper cancelled")
        raise


async def main():
    t = asyncio.create_task(sleeper())
    await asyncio.sleep(0.01)
    print("cancel returns", t.cancel())
    try:
        await t
        print("main got a result")
    except asyncio.CancelledError:
        print("main got CancelledError")
    print("cancel again returns", t.cancel())
    print("done")


asyncio.run(main())
