# MicroPython's tests/extmod/asyncio_get_event_loop.py: run_until_complete
# twice on the same loop; time carries on from the first run.
import asyncio


async def main():
    print("start")
    await asyncio.sleep(0.01)
    print("end")


loop = asyncio.get_event_loop()
loop.run_until_complete(main())
loop.run_until_complete(main())
