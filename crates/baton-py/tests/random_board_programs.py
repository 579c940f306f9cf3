"""Random board programs and their presses, for differential runs of Python mode against the judge.

usage: random_board_programs.py SEED           (prints the program)
       random_board_programs.py SEED --inputs  (prints its input script, JSON Lines)

Where random_programs.py exercises the scheduler, these exercise the board modules under it:
each program sets up some of LEDs (`digitalio` outputs), a button read through an input
`DigitalInOut` (switched to an input with a pull, or by its `direction`, or neither), a
`keypad.Keys` over one to three pins, a `countio.Counter`, a `NeoPixel` strip, a
`pwmio.PWMOut`, an `analogio.AnalogIn` and a `rotaryio.IncrementalEncoder`, then runs two to
four tasks that blink, read the buttons, count edges, reset the count, paint pixels (by index,
with `fill`, with `colorwheel`, shown at once or with `show`), set a duty cycle or a frequency
(also ones the PWMOut refuses), read the potentiometer and the knob, set the knob's position,
read `supervisor.ticks_ms`, `adafruit_ticks` and `time.monotonic_ns`, block in `time.sleep`,
busy-wait on `time.monotonic` or on a ticks deadline, and sleep (also 2**28 ms, which is
refused). Everything a task reads is printed, so
`exact.py` compares what the program saw, and when. The presses come at random times, also at
the same microsecond on one pin, on a keypad scan and in bursts shorter than a poll; the
potentiometer's readings and the knob's turns too. They use
only what the judge's board (tests/oracle/vboard.py) and CircuitPython share, and print only
integers, booleans and the board's error messages (float formatting is MicroPython's, not
CPython's).
`js/test/python_mode.test.mjs` runs a fixed set of seeds (400 ms each); more seeds, by hand:
820 of them were equal when this was written (with one generator that drew fewer presses and
no tasks that run to the end, then this one), and 400 (seeds 1-400, at 7, 10 or 25 us a poll by
seed) once it also drew PWM outputs, potentiometers, knobs and ticks.
"""
import json
import random
import sys

SLEEPS = ["0", "0", "0.001", "0.0015", "0.002", "0.005", "0.01", "0.02", "0.025"]
BLOCKS = ["0.0001", "0.0005", "0.001", "0.003"]
FOR_MS = 400


class Board:
    """Which parts this program has: pins are drawn without repeats."""

    def __init__(self, rng):
        free = [f"D{i}" for i in range(14)] + [f"A{i}" for i in range(4)]
        rng.shuffle(free)
        self.leds = [free.pop() for _ in range(rng.randint(0, 3))]
        self.button = free.pop() if rng.random() < 0.5 else None
        self.keys = [free.pop() for _ in range(rng.randint(1, 3))] if rng.random() < 0.6 else []
        self.counter = free.pop() if rng.random() < 0.5 else None
        self.edge = rng.choice(["FALL", "RISE", "RISE_AND_FALL"])
        self.when_pressed = rng.random() < 0.2
        self.keys_at_start = rng.random() < 0.3
        self.strip = (free.pop(), rng.randint(1, 10), rng.random() < 0.5) if rng.random() < 0.5 else None
        self.brightness = rng.choice(["0.1", "0.3", "1.0"])
        self.pwm = (free.pop(), rng.random() < 0.5, rng.choice([0, 100, 65535])) if rng.random() < 0.4 else None
        self.pot = free.pop() if rng.random() < 0.4 else None
        self.knob = (free.pop(), free.pop(), rng.random() < 0.5) if rng.random() < 0.4 else None
        self.button_mode = rng.choice(["none", "pull", "direction"])

    def inputs(self):
        """The pins a press can go to."""
        return ([self.button] if self.button else []) + self.keys + ([self.counter] if self.counter else [])


def action(rng, b, me):
    """One step of a task: a few lines of Python, at the task's indentation."""
    choices = ["sleep", "sleep", "sleep", "block", "wait_until", "ticks", "ns"]
    if b.leds:
        choices += ["led", "led"]
    if b.button:
        choices += ["button"]
    if b.keys:
        choices += ["keys", "keys"]
    if b.counter:
        choices += ["count", "reset"]
    if b.strip:
        choices += ["pixel", "fill", "wheel", "show"]
    if b.pwm:
        choices += ["duty", "duty", "frequency"]
    if b.pot:
        choices += ["pot", "pot"]
    if b.knob:
        choices += ["knob", "knob", "knob_set"]
    k = rng.choice(choices)
    if k == "ticks":
        return [rng.choice([f"say('{me} ticks', supervisor.ticks_ms())", f"say('{me} ticks', ticks_ms())",
                            f"say('{me} ticks', ticks_diff(ticks_ms(), T0), ticks_less(T0, ticks_ms()))"]),
                # A polling wait on a deadline: each ticks_ms() costs a microsecond.
                f"deadline = ticks_add(ticks_ms(), {rng.choice([0, 1, 2])})",
                "while ticks_less(ticks_ms(), deadline):", "    pass"]
    if k == "ns":
        return [f"say('{me} ns', time.monotonic_ns())"]
    if k == "duty":
        v = rng.choice([0, 1, 32768, 65535, rng.randrange(65536), rng.randrange(65536), -1, 65536])
        return ["try:", f"    pwm.duty_cycle = {v}", "except ValueError as e:", f"    say('{me} refused', e)",
                f"say('{me} duty', pwm.duty_cycle)"]
    if k == "frequency":
        return ["try:", f"    pwm.frequency = {rng.choice([500, 1000, 50, 20000])}",
                "except AttributeError as e:", f"    say('{me} refused', e)", f"say('{me} frequency', pwm.frequency)"]
    if k == "pot":
        return [f"say('{me} pot', pot.value)"]
    if k == "knob":
        return [f"say('{me} knob', knob.position)"]
    if k == "knob_set":
        return [f"knob.position = {rng.choice([0, 0, 10, -3])}"]
    if k == "sleep":
        if rng.random() < 0.03:
            return ["try:", "    await asyncio.sleep_ms(1 << 28)", "except OverflowError as e:",
                    f"    say('{me} refused', e)"]
        return [f"await asyncio.sleep({rng.choice(SLEEPS)})"]
    if k == "block":
        return [f"time.sleep({rng.choice(BLOCKS)})"]
    if k == "wait_until":
        # A polling wait, as blink-polling's loop: each read of the clock costs a microsecond.
        return [f"until = time.monotonic() + {rng.choice(['0.0002', '0.001', '0.002'])}",
                "while time.monotonic() < until:", "    pass"]
    if k == "led":
        i = rng.randrange(len(b.leds))
        return [rng.choice([f"led[{i}].value = not led[{i}].value", f"led[{i}].value = {rng.random() < 0.5}"])]
    if k == "button":
        return [f"say('{me} button', button.value)"]
    if k == "keys":
        return ["e = keys.events.get()", "while e:",
                f"    say('{me} key', e.key_number, e.pressed, e.released)", "    e = keys.events.get()"]
    if k == "count":
        return [f"say('{me} count', counter.count)"]
    if k == "reset":
        return [f"counter.count = {rng.choice([0, 0, 5])}"]
    n = b.strip[1]
    if k == "pixel":
        colour = rng.choice([f"({rng.randrange(256)}, {rng.randrange(256)}, {rng.randrange(256)})",
                             f"0x{rng.randrange(1 << 24):06x}"])
        return [f"pixels[{rng.randrange(n)}] = {colour}"]
    if k == "fill":
        return [f"pixels.fill(({rng.randrange(256)}, 0, {rng.randrange(256)}))"]
    if k == "wheel":
        return [f"for i in range({n}):", f"    pixels[i] = colorwheel(i * {rng.randint(1, 40)} + step * 7)"]
    return ["pixels.show()", f"say('{me} shown', pixels[0])"]


def program(seed):
    rng = random.Random(seed)
    b = Board(rng)
    out = ["import asyncio", "import board", "import time", "import supervisor",
           "from adafruit_ticks import ticks_add, ticks_diff, ticks_less, ticks_ms"]
    if b.leds or b.button:
        out.append("import digitalio")
    if b.keys:
        out.append("import keypad")
    if b.counter:
        out.append("import countio")
    if b.strip:
        out += ["import neopixel", "from rainbowio import colorwheel"]
    if b.pwm:
        out.append("import pwmio")
    if b.pot:
        out.append("import analogio")
    if b.knob:
        out.append("import rotaryio")
    out += ["", "def say(*a):", "    print(*a)", "", "T0 = ticks_ms()"]
    out.append(f"led = [{', '.join(f'digitalio.DigitalInOut(board.{p})' for p in b.leds)}]")
    for i in range(len(b.leds)):
        out.append(f"led[{i}].switch_to_output({rng.random() < 0.5})")
    if b.button:
        out.append(f"button = digitalio.DigitalInOut(board.{b.button})")
        if b.button_mode == "pull":
            out.append(f"button.switch_to_input(pull=digitalio.Pull.{rng.choice(['UP', 'DOWN'])})")
        elif b.button_mode == "direction":
            out += ["button.direction = digitalio.Direction.INPUT",
                    "say('input', button.direction == digitalio.Direction.INPUT)"]
    if b.pwm:
        pin, variable, duty = b.pwm
        out.append(f"pwm = pwmio.PWMOut(board.{pin}, duty_cycle={duty}, frequency=1000, variable_frequency={variable})")
    if b.pot:
        out.append(f"pot = analogio.AnalogIn(board.{b.pot})")
    if b.knob and b.knob[2]:
        out.append(f"knob = rotaryio.IncrementalEncoder(board.{b.knob[0]}, board.{b.knob[1]})")
    if b.strip:
        pin, n, auto = b.strip
        out.append(f"pixels = neopixel.NeoPixel(board.{pin}, {n}, brightness={b.brightness}, auto_write={auto})")
    n_tasks = rng.randint(2, 4)
    for t in range(n_tasks):
        forever = rng.random() < 0.25
        loop = "while True:" if forever else f"for _ in range({rng.randint(4, 30)}):"
        out += [f"async def t{t}():", "    step = 0", f"    {loop}"]
        for _ in range(rng.randint(1, 5)):
            out += ["        " + line for line in action(rng, b, f"t{t}")]
        # A task that runs until the end awaits in every round (or it would never let go).
        if forever or rng.random() < 0.8:
            out.append(f"        await asyncio.sleep({rng.choice(SLEEPS)})")
        out += ["        step += 1", f"    say('t{t} done', step)", ""]
    out.append("async def main():")
    # keypad and countio objects are made in main, as the guide does (a keypad's scans start
    # when it is made, so this moves them off time 0), or a keypad at the top level.
    keys = (f"keypad.Keys(({', '.join('board.' + p for p in b.keys)},), "
            f"value_when_pressed={b.when_pressed}, pull=True)")
    if b.keys and b.keys_at_start:
        out.insert(out.index("async def main():"), f"keys = {keys}")
    elif b.keys:
        out += ["    global keys", f"    keys = {keys}"]
    if b.counter:
        out += ["    global counter", f"    counter = countio.Counter(board.{b.counter}, edge=countio.Edge.{b.edge}, pull=None)"]
    # A knob made in main counts only the turns after main began.
    if b.knob and not b.knob[2]:
        out += ["    global knob", f"    knob = rotaryio.IncrementalEncoder(board.{b.knob[0]}, board.{b.knob[1]})"]
    out.append(f"    await asyncio.gather({', '.join(f't{t}()' for t in range(n_tasks))})")
    out += ["    say('all done')", "", "asyncio.run(main())", ""]
    return "\n".join(out)


def inputs(seed):
    rng = random.Random(seed)
    board_ = Board(rng)
    pins = board_.inputs()
    rng = random.Random(seed * 7919 + 1)
    lines = []
    for _ in range(rng.randint(2, 24) if pins else 0):
        pin = rng.choice(pins)
        kind = rng.randrange(5)
        if kind == 0:  # on a keypad scan (they come every 20 ms after the keypad is made)
            t = rng.randrange(1, FOR_MS // 20) * 20 + rng.choice([0, 0.001, 0.007, 0.01])
        elif kind == 1:  # a press and a release at the same microsecond, in either order
            t = round(rng.uniform(0, FOR_MS), 3)
            pair = ["press", "release"]
            rng.shuffle(pair)
            lines += [(t, pin, a) for a in pair]
            continue
        else:
            t = round(rng.uniform(0, FOR_MS), 3)
        # A press held from a few microseconds (a bounce, shorter than a poll) to 80 ms.
        hold = rng.choice([0.003, 0.012, round(rng.uniform(0.05, 5), 3), round(rng.uniform(15, 80), 3)])
        lines += [(t, pin, "press"), (round(t + hold, 3), pin, "release")]
    events = [{"t_ms": t, "pin": p, "action": a} for t, p, a in lines]
    # The potentiometer's readings and the knob's turns: at random times, at 0, on a poll's
    # microsecond, and two at once.
    rng = random.Random(seed * 104729 + 3)
    for pin, action, field, draw in ((board_.pot, "analog", "value", lambda: rng.choice([0, 65535, rng.randrange(65536)])),
                                     (board_.knob and board_.knob[0], "turn", "steps", lambda: rng.randint(-5, 5))):
        if not pin:
            continue
        for _ in range(rng.randint(1, 12)):
            t = rng.choice([0, rng.randrange(FOR_MS), round(rng.uniform(0, FOR_MS), 3)])
            for _ in range(rng.choice([1, 1, 1, 2])):
                events.append({"t_ms": t, "pin": pin, "action": action, field: draw()})
    rng.shuffle(events)
    return "".join(json.dumps(e) + "\n" for e in events)


if __name__ == "__main__":
    seed = int(sys.argv[1])
    sys.stdout.write(inputs(seed) if sys.argv[2:] == ["--inputs"] else program(seed))
