# A callback that asks to run again at an instant that is already due (a
# period that rounds to 0 µs) is put back 1 µs later: it runs once per pass,
# not forever.
import asyncio

from _baton_call_at import call_at, run_due


calls = [0]


def cb(at):
    calls[0] += 1
    return at + round(100e-9 * 1e6) if calls[0] < 1000 else None


call_at(0, cb)
run_due()
print("calls", calls[0])
