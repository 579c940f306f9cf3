// Switch bounce on the emulator: the same chatter as the simulator's `--bounce-us D
// --bounce-count K` (inputs.mjs ports Bounce::levels and the board's schedule), checked against
// the simulator's own trace of input levels; then the demos that are about bounce, countio
// (which counts every bounce) and the keypad (whose scan interval debounces), on both boards:
// the firmware prints what the simulator prints, as often, at the same times.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOARDS, emulate, parseInputs } from './emulate.mjs';
import { levelChanges } from './inputs.mjs';
import { assertSameBehaviour, firmwareFor, press, release, simulate } from './fixtures.mjs';

const bounceArgs = (b) => ['--bounce-us', String(b.durationUs), '--bounce-count', String(b.count)];
const script = (lines) => lines.join('\n') + '\n';

/** The level changes a schedule makes (a "change" to the level a pin already has is none). */
function changes(schedule) {
  const level = new Map();
  return schedule.filter((c) => {
    if ((level.get(c.pin) ?? true) === c.level) return false;
    level.set(c.pin, c.level);
    return true;
  });
}

const inputEvents = (events) => events.filter((e) => e.kind === 'input').map((e) => ({ t: e.t_us, pin: e.pin, value: e.value }));

test('bounce: the emulator expands presses and releases into the simulator\'s level changes', () => {
  // Two pins; a release while the press still chatters (the bounces interleave); durations
  // that do not divide evenly (floor); a press and a release at the same microsecond
  // (release first, as the simulator sorts them).
  const text = script([
    press('D3', 10),
    release('D3', 10.5),
    press('D4', 10.2),
    release('D4', 30),
    press('D4', 30),
    press('D3', 50.001),
  ]);
  for (const bounce of [
    { durationUs: 1001, count: 3 },
    { durationUs: 2500, count: 1 },
    { durationUs: 700, count: 0 },
  ]) {
    const sim = inputEvents(simulate('keypad-transitions', [], 60, text, bounceArgs(bounce)));
    assert.ok(sim.length > 4, JSON.stringify(sim));
    const port = changes(levelChanges(parseInputs(text), bounce)).map((c) => ({ t: c.tUs, pin: c.pin, value: c.level }));
    assert.deepEqual(port, sim, `bounce ${JSON.stringify(bounce)}`);
    // And what the emulator applied to the pins, when it did (one run: keypad-transitions spins).
    if (bounce.count !== 3) continue;
    const { events } = emulate({ uf2: firmwareFor('pico', 'keypad-transitions', []), forMs: 60, inputs: parseInputs(text), bounce });
    const applied = inputEvents(events);
    assert.deepEqual(
      applied.map(({ pin, value }) => ({ pin, value })),
      sim.map(({ pin, value }) => ({ pin, value })),
    );
    applied.forEach((e, i) => assert.ok(Math.abs(e.t - sim[i].t) <= 1, `change ${i}: ${e.t} µs, simulator ${sim[i].t} µs`));
  }
});

const CASES = [
  {
    // countio counts every falling edge: each bounce prints "interrupted!" (falling edges 3 ms
    // apart: far more than a turn on either side, and more than the 1.2 ms a line takes on the
    // UART, which stamps a line when its first byte goes out).
    demo: 'countio-interrupt',
    forMs: 300,
    bounce: { durationUs: 9000, count: 3 },
    inputs: [press('D3', 100), release('D3', 150), press('D3', 200.25), release('D3', 260)],
    counted: 'interrupted!',
  },
  {
    // The keypad scans every 20 ms (at 120 ms, 180 ms, … from time zero, plus its start-up):
    // the press at 118.5 ms has bounced back up at the 120 ms scan and is seen at 140 ms; the
    // release at 178.6 ms has bounced back down at 180 ms and is seen at 200 ms. No bounce
    // edge is within 300 µs of a scan on either side.
    demo: 'keypad-transitions',
    forMs: 300,
    bounce: { durationUs: 4000, count: 2 },
    inputs: [press('D3', 118.5), release('D3', 178.6), press('D3', 230)],
    counted: null,
  },
];

for (const board of Object.keys(BOARDS)) {
  for (const c of CASES) {
    test(`${board}: ${c.demo} with bounce ${c.bounce.durationUs} µs × ${c.bounce.count}: the firmware prints what the simulator prints, as often`, () => {
      const text = script(c.inputs);
      const sim = simulate(c.demo, [], c.forMs, text, bounceArgs(c.bounce));
      const { events, boot } = emulate({ uf2: firmwareFor(board, c.demo, []), board, forMs: c.forMs, inputs: parseInputs(text), bounce: c.bounce });
      assert.ok(boot.at(-1).includes(`running ${c.demo}`), boot.join(' | '));
      const prints = (ev) => ev.filter((e) => e.kind === 'print').map((e) => e.text);
      assert.deepEqual(prints(events), prints(sim), 'the prints (and so the counts) differ');
      if (c.counted) {
        // Bounce made a difference: more prints than presses.
        assert.ok(prints(sim).filter((t) => t === c.counted).length > c.inputs.length, JSON.stringify(prints(sim)));
      }
      const { compared, worst } = assertSameBehaviour(sim, events, c.forMs, board);
      console.log(`# ${board} ${c.demo} with bounce: ${prints(events).length} prints; ${compared} changes, worst difference ${worst} µs`);
    });
  }
}
