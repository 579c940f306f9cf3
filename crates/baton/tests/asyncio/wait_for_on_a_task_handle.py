# wait_for on a task (not a coroutine): the task itself is awaited; on
# timeout it is cancelled, as any awaited coroutine would be.
import asyncio


async def task(id, t):
    try:
        print("task start", id)
        await asyncio.sleep(t)
        print("task end", id)
        return id * 2
    except asyncio.CancelledError:
        print("task cancelled", id)
        raise


async def main():
    t = asyncio.create_task(task(1, 0.05))
    try:
        print(await asyncio.wait_for(t, 0.01))
    except asyncio.TimeoutError:
        print("TimeoutError")

    t = asyncio.create_task(task(2, 0.05))
    print(await asyncio.wait_for(t, 0.1))
    await asyncio.sleep(0.1)
    print("main end")


asyncio.run(main())
