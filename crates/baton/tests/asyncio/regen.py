#!/usr/bin/env python3
"""Regenerates the expected traces of Baton's asyncio port tests.

Every <name>.py in this folder is a CircuitPython program, the twin of the
test <name> in ../asyncio_port.rs. This script runs each one through the
judge, cpboard.py (Adafruit_CircuitPython_asyncio on a virtual clock), and
writes its trace to <name>.jsonl, which the Rust test compares with its own.

The _<module>.py files here are not programs but the models of Baton's
features that several programs import (the inspector, Queue, call_at,
ThreadSafeFlag): cpboard.py runs with this folder on PYTHONPATH.

A program may set cpboard options in a header comment line, e.g.
    # cpboard: --poll-cost-us 1000
The defaults are --poll-cost-us 10 (the Rust harness's POLL_COST_US) and
--for-ms 60000.

Usage:
    python3 regen.py --cpboard tests/oracle/cpboard.py --cp-asyncio target/cp-asyncio [NAME ...]
    python3 regen.py ... --check     # compare instead of writing; exit 1 on a difference
"""
import argparse
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULTS = ["--for-ms", "60000", "--poll-cost-us", "10"]
HEADER = "# cpboard:"


def options(program):
    """The cpboard options a program asks for in its header comments."""
    opts = []
    with open(program) as f:
        for line in f:
            if line.startswith(HEADER):
                opts += shlex.split(line[len(HEADER):])
    return opts


def env():
    """The environment cpboard.py runs in: this folder on PYTHONPATH, so that
    the programs can import the shared _<module>.py (and no __pycache__ left
    here)."""
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join(p for p in (HERE, e.get("PYTHONPATH")) if p)
    e["PYTHONDONTWRITEBYTECODE"] = "1"
    return e


def trace(cpboard, cp_asyncio, program):
    cmd = [sys.executable, cpboard, program, "--cp-asyncio", cp_asyncio] + DEFAULTS + options(program)
    out = subprocess.run(cmd, capture_output=True, text=True, env=env())
    if out.returncode != 0:
        sys.exit(f"regen: {' '.join(cmd)} failed:\n{out.stderr}")
    return out.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cpboard", required=True, help="path of cpboard.py")
    ap.add_argument("--cp-asyncio", required=True, help="folder holding the installed adafruit-circuitpython-asyncio")
    ap.add_argument("--check", action="store_true", help="only check that every .jsonl is current")
    ap.add_argument("names", nargs="*", help="programs to run (default: all)")
    a = ap.parse_args()
    names = a.names or sorted(
        f[:-3] for f in os.listdir(HERE) if f.endswith(".py") and f != "regen.py" and not f.startswith("_"))
    stale = []
    for name in names:
        program = os.path.join(HERE, name + ".py")
        expected = os.path.join(HERE, name + ".jsonl")
        text = trace(a.cpboard, a.cp_asyncio, program)
        if a.check:
            old = open(expected).read() if os.path.exists(expected) else None
            if old != text:
                stale.append(name)
        else:
            with open(expected, "w") as f:
                f.write(text)
    if stale:
        sys.exit("regen: stale or missing: " + ", ".join(stale))
    print(f"regen: {len(names)} traces {'current' if a.check else 'written'}")


if __name__ == "__main__":
    main()
