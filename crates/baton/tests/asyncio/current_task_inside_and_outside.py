# MicroPython's tests/extmod/asyncio_current_task.py, plus: outside a task
# there is no current task (the library raises RuntimeError, Baton returns
# None).
import asyncio


def show_outside():
    try:
        asyncio.current_task()
        print("outside: a current task")
    except RuntimeError:
        print("outside: no current task")


async def task(result):
    result[0] = asyncio.current_task()


async def main():
    result = [None]
    t = asyncio.create_task(task(result))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print(t is result[0])
    print("main is not the task:", asyncio.current_task() is not t)


show_outside()
asyncio.run(main())
show_outside()
