# MicroPython's tests/extmod/asyncio_gather_finished_early.py, with
# return_exceptions=True (Baton's gather reports every outcome), the four
# combinations in one run: gathering tasks that already finished (returned
# or raised) gives their results at once, and a task still running is
# waited for.
import asyncio


async def task_that_finishes_early(id, event, fail):
    print("task_that_finishes_early", id)
    event.set()
    if fail:
        raise ValueError("intentional exception")


async def task_that_runs():
    for i in range(5):
        print("task_that_runs", i)
        await asyncio.sleep(0)


async def main():
    asyncio.get_event_loop().set_exception_handler(lambda loop, context: None)
    for start_task_that_runs, task_fail in [(False, False), (False, True), (True, False), (True, True)]:
        print("== start", start_task_that_runs, task_fail)
        tasks = []
        if start_task_that_runs:
            tasks.append(asyncio.create_task(task_that_runs()))
        event_a = asyncio.Event()
        event_b = asyncio.Event()
        tasks.append(asyncio.create_task(task_that_finishes_early("a", event_a, task_fail)))
        tasks.append(asyncio.create_task(task_that_finishes_early("b", event_b, task_fail)))
        await event_a.wait()
        await event_b.wait()
        print(await asyncio.gather(*tasks, return_exceptions=True))


asyncio.run(main())
