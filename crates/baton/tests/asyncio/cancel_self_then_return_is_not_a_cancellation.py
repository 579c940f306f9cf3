# A Baton task that cancels itself and then returns without awaiting
# finishes normally: the cancellation never got a turn. The library can't
# cancel the running task (RuntimeError), so here the task just returns
# what the Rust one's cancel() returned.
import asyncio


def cancelled(t):
    return t.done() and isinstance(t.data, asyncio.CancelledError)


async def task():
    return True


async def main():
    t = asyncio.create_task(task())
    r = await t
    print("cancelled: %s, cancel again: %s" % (cancelled(t), t.cancel()))
    print("result", r)


asyncio.run(main())
