# MicroPython's tests/extmod/asyncio_wait_for.py.
#
# Differences by design:
# - A Baton task can't ignore a cancellation, so task_catch prints "ignore
#   cancel" and re-raises, and the original's task_wait_for_cancel_ignore
#   case is left out; there is no timeout of None (await the future
#   directly), so that case is left out too.
# - When the awaited task raises or is cancelled by someone else, the
#   library re-raises that exception in the wait_for caller; a Rust task
#   can't catch one, so Baton cancels the caller instead, which ends at its
#   next turn. Here the caller is a task that does the same: it yields once
#   and then ends with CancelledError (task_wait_for_fails).
# - A Rust task handle can't be both given to wait_for and kept by the task
#   that cancels it; the Rust test gives wait_for a future that awaits the
#   shared handle (and returns the outcome as a value), which join() is here.
import asyncio


async def task(id, t):
    print("task start", id)
    await asyncio.sleep(t)
    print("task end", id)
    return id * 2


async def task_catch():
    print("task_catch start")
    try:
        await asyncio.sleep(0.2)
    except asyncio.CancelledError:
        print("ignore cancel")
        raise
    print("task_catch done")


async def task_raise():
    # It yields first, so that wait_for's runner awaits it before it raises
    # (a task that raises while nobody awaits it is task_done's case).
    print("task start")
    await asyncio.sleep(0)
    raise ValueError


async def task_cancel_other(t, other):
    print("task_cancel_other start")
    await asyncio.sleep(t)
    print("task_cancel_other cancel")
    other.cancel()


async def task_wait_for_cancel(id, t, t_wait):
    print("task_wait_for_cancel start")
    try:
        await asyncio.wait_for(task(id, t), t_wait)
    except asyncio.CancelledError as er:
        print("task_wait_for_cancel cancelled")
        raise er


async def join(t):
    try:
        return await t
    except asyncio.CancelledError as er:
        return er


async def task_wait_for_fails(aw, timeout):
    try:
        print(await asyncio.wait_for(aw, timeout))
    except (ValueError, asyncio.CancelledError):
        # Baton: the caller is cancelled, and ends at its next turn.
        await asyncio.sleep(0)
        raise asyncio.CancelledError


async def main():
    sep = "-" * 10

    # When task finished before the timeout
    print(await asyncio.wait_for(task(1, 0.01), 10))
    print(sep)

    # When timeout passes and task is cancelled
    try:
        print(await asyncio.wait_for(task(2, 10), 0.01))
    except asyncio.TimeoutError:
        print("timeout")
    print(sep)

    # When timeout passes and task is cancelled (it prints, and can't ignore it)
    try:
        print(await asyncio.wait_for(task_catch(), 0.1))
    except asyncio.TimeoutError:
        print("TimeoutError")
    print(sep)

    # When task raises an exception
    try:
        await asyncio.create_task(task_wait_for_fails(task_raise(), 1))
    except asyncio.CancelledError as er:
        print("wait_for caller:", repr(er))
    print(sep)

    # When task is cancelled by another task
    t = asyncio.create_task(task(4, 10))
    asyncio.create_task(task_cancel_other(0.01, t))
    print(repr(await asyncio.wait_for(join(t), 1)))
    print(sep)

    # When wait_for gets cancelled
    t = asyncio.create_task(task_wait_for_cancel(4, 1, 2))
    await asyncio.sleep(0.01)
    t.cancel()
    await asyncio.sleep(0.01)
    print(sep)

    # When wait_for gets cancelled and the task it's waiting on finishes around the
    # same time as the cancellation of the wait_for
    for num_sleep in range(1, 5):
        t = asyncio.create_task(task_wait_for_cancel(4 + num_sleep, 0, 2))
        for _ in range(num_sleep):
            await asyncio.sleep(0)
        print("done", t.done())
        print("cancel wait_for")
        t.cancel()
        try:
            await t
        except asyncio.CancelledError as er:
            print(repr(er))
        print(sep)

    print("finish")


asyncio.run(main())
