#!/usr/bin/env python3
"""Writes the input scripts of the oracle cases where a press ties with a
blink toggle: tests/inputs/<program>-tie-cost<C>.jsonl.

For each poll cost, the presses are found one after the other by running
cpboard.py with the presses found so far: each lands on the microsecond a
LED toggles (offset 0), or 1 µs before or after it, so no time in the
scripts is written by hand. Rerun after a change of the judge:
    python3 tests/oracle/make_tie_inputs.py --cp-asyncio target/cp-asyncio
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# program: [(button pin, LED pin whose toggle it ties with, offset in µs, look from ms)]
PLANS = {
    "button-interval": [("D4", "D1", 0, 1000), ("D3", "D1", -1, 2000), ("D4", "D1", +1, 3000)],
    "button-interval-two": [("D4", "D1", 0, 1000), ("D6", "D2", -1, 2000), ("D3", "D1", +1, 2500)],
}
HOLD_US = 40_000
COSTS = (7, 10, 25)
FOR_MS = 4000


def script(presses):
    lines = []
    for (t, pin) in presses:
        lines.append(json.dumps({"t_ms": t / 1000, "pin": pin, "action": "press"}))
        lines.append(json.dumps({"t_ms": (t + HOLD_US) / 1000, "pin": pin, "action": "release"}))
    return "".join(line + "\n" for line in lines)


def trace(program, cost, presses, cp):
    """cpboard.py's trace, run in a process of its own (the library keeps
    its queue in module state)."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl") as f:
        f.write(script(presses))
        f.flush()
        out = subprocess.run(
            [sys.executable, os.path.join(HERE, "cpboard.py"), os.path.join(HERE, "examples", program + ".py"),
             "--cp-asyncio", cp, "--for-ms", str(FOR_MS), "--poll-cost-us", str(cost), "--inputs", f.name],
            check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cp-asyncio", default=os.environ.get("BATON_CP_ASYNCIO"), required=False)
    a = ap.parse_args()
    if not a.cp_asyncio:
        sys.exit("pass --cp-asyncio DIR")
    out_dir = os.path.join(HERE, "..", "inputs")
    for program, plan in PLANS.items():
        for cost in COSTS:
            presses = []
            for (button, led, offset, from_ms) in plan:
                events = trace(program, cost, presses, a.cp_asyncio)
                toggle = next(e["t_us"] for e in events
                              if e["kind"] == "pin" and e["pin"] == led and e["t_us"] >= from_ms * 1000)
                presses.append((toggle + offset, button))
            # The toggles the presses tie with happen before each press, so
            # later presses cannot move them: check it on the final trace.
            final = trace(program, cost, presses, a.cp_asyncio)
            for (t, _), (_, led, offset, _) in zip(presses, plan):
                assert any(e["kind"] == "pin" and e["pin"] == led and e["t_us"] == t - offset for e in final), \
                    (program, cost, t)
            path = os.path.join(out_dir, f"{program}-tie-cost{cost}.jsonl")
            with open(path, "w") as f:
                f.write(script(presses))
            print(os.path.relpath(path), [t for (t, _) in presses])


if __name__ == "__main__":
    main()
