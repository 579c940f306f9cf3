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


# Modules a program may not import: MicroPython's bridge to JavaScript (`js` is the worker's
# globals, `jsffi` makes JavaScript objects) would reach past the board, and the board's own
# internals go around its rules. `builtins` too: deleting its `__import__` would bring the
# unguarded one back.
_REFUSED = ("js", "jsffi", "builtins", "_baton", "_runner", "_vboard", "_vtime")


def _guard_imports():
    """Installs an `__import__` that refuses _REFUSED to code.py. A board module imported by
    the program may still import `_baton` (the guard counts imports under way). Everything is
    held in this closure: no attribute of a module leads back to the unguarded import."""
    import builtins

    original = builtins.__import__
    depth = [0]

    def guarded(name, globals=None, locals=None, fromlist=(), level=0):
        top = name.split(".")[0]
        if top in _REFUSED and (depth[0] == 0 or top in ("js", "jsffi", "builtins")):
            raise ImportError(
                "no module named '{}' (a program reaches only the board)".format(top)
            )
        depth[0] += 1
        try:
            return original(name, globals, locals, fromlist, level)
        finally:
            depth[0] -= 1

    builtins.__import__ = guarded


def run_program(src):
    _guard_imports()
    g = {"__name__": "__main__", "print": _vboard._print}
    try:
        exec(compile(src, "code.py", "exec"), g)
    except _vboard.StopSimulation:
        pass
    except BaseException as e:
        return _error_line(e)
    return ""
