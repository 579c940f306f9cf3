# Runs code.py: the board modules and asyncio installed, `print` recorded.
# Returns "" or the error line `code.py line N: Type: message`.
import io
import sys

import _vtime
import _vboard

sys.modules["time"] = _vtime

# The same seed on every run: MicroPython seeds `random` from the wall clock, and a run in
# the playground must replay exactly from its link (a program may still call random.seed).
try:
    import random

    random.seed(0)
except ImportError:
    pass


def _error_line(e):
    buf = io.StringIO()
    sys.print_exception(e, buf)
    lines = buf.getvalue().rstrip("\n").split("\n")
    line = 0
    for text in lines:
        text = text.strip()
        if text.startswith('File "code.py", line '):
            rest = text[len('File "code.py", line '):]
            n = rest.split(",")[0]
            if n.isdigit():
                line = int(n)
    last = lines[-1].strip() if lines else type(e).__name__
    if last.endswith(":"):
        last = last[:-1]
    if isinstance(e, ImportError) and str(e).startswith("no module named"):
        last += "; the board has " + ", ".join(_board_modules())
    return "code.py line {}: {}".format(line, last)


def _board_modules():
    """The modules this board has for a program (besides MicroPython's own, such as
    `math`): the Python files beside this one that are not internal, and `time`."""
    import os

    names = [f[:-3] for f in os.listdir("/") if f.endswith(".py") and f[0] != "_"]
    return sorted(names + ["time"])


def run_program(src):
    g = {"__name__": "__main__", "print": _vboard._print}
    try:
        exec(compile(src, "code.py", "exec"), g)
    except _vboard.StopSimulation:
        pass
    except BaseException as e:
        return _error_line(e)
    return ""
