"""The library's run queue is a stable priority queue.

Baton ports the pairing heap of Adafruit_CircuitPython_asyncio 3.1.1
(`asyncio/task.py`) line by line (`crates/baton/src/scheduler/run_queue.rs`),
and its Rust tests check the port against a simple model: a priority queue
ordered by (key, push order). This script checks that the model is right
about the library itself: random pushes, removals and pops on the library's
own `TaskQueue`, compared with the model. It also checks that wait lists
(pushed with non-decreasing keys) come out first in, first out, which is why
Baton's wait lists are FIFOs.

usage: python3 heap_model.py --cp-asyncio DIR [--trials N]
Prints 'model holds: N operations' or the first difference (exit 1).
"""
import argparse
import random
import sys
import types


def load_task_module(path):
    ticks = types.ModuleType("adafruit_ticks")
    ticks.ticks_ms = lambda: NOW[0]
    ticks.ticks_add = lambda a, b: a + b
    ticks.ticks_diff = lambda a, b: a - b
    ticks.ticks_less = lambda a, b: a < b
    select = types.ModuleType("select")
    select.poll = lambda: types.SimpleNamespace(register=lambda *a: None)
    select.POLLIN, select.POLLOUT = 1, 4
    sys.modules["adafruit_ticks"] = ticks
    sys.modules["select"] = select
    sys.path.insert(0, path)
    from asyncio import task  # the library's, from `path`
    assert task.__file__.startswith(path), f"imported {task.__file__}, not the library in {path}"
    return task


NOW = [0]


class Node:
    def __init__(self, n):
        self.n = n
        self.ph_child = self.ph_next = self.ph_child_last = self.ph_rightmost_parent = None
        self.ph_key = 0
        self.data = None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cp-asyncio", required=True)
    ap.add_argument("--trials", type=int, default=3000)
    a = ap.parse_args()
    task = load_task_module(a.cp_asyncio)
    rng = random.Random(1)
    ops = 0
    for trial in range(a.trials):
        q = task.TaskQueue()
        model = []  # (key, seq, node)
        seq = 0
        keys = rng.choice([2, 4, 11, 101])
        for _ in range(rng.randint(1, 150)):
            r = rng.random()
            ops += 1
            if r < 0.55 or not model:
                x = Node(seq)
                k = rng.randrange(keys)
                q.push(x, k)
                model.append((k, seq, x))
                seq += 1
            elif r < 0.7:
                e = rng.choice(model)
                q.remove(e[2])
                model.remove(e)
            else:
                got = q.pop()
                want = min(model, key=lambda e: (e[0], e[1]))
                model.remove(want)
                if got is not want[2]:
                    print(f"trial {trial}: popped #{got.n}, the model says #{want[2].n}")
                    sys.exit(1)
        # A wait list: keys never decrease, pops come out first in, first out.
        q, fifo = task.TaskQueue(), []
        for i in range(rng.randint(1, 40)):
            if rng.random() < 0.6 or not fifo:
                NOW[0] += rng.random() < 0.3
                x = Node(i)
                q.push(x)
                fifo.append(x)
            elif rng.random() < 0.5:
                x = rng.choice(fifo)
                q.remove(x)
                fifo.remove(x)
            elif q.pop() is not fifo.pop(0):
                print(f"trial {trial}: a wait list did not come out first in, first out")
                sys.exit(1)
            ops += 1
    print(f"model holds: {ops} operations")


if __name__ == "__main__":
    main()
