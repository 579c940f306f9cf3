// Input scripts and switch bounce, as the simulator reads and expands them
// (crates/baton-sim/src/inputs.rs: parse_script, Bounce::levels; board.rs: schedule), so that
// the emulated firmware sees the very level changes the simulated demo saw.

/**
 * Parses the simulator's input script: `{"t_ms": 1200, "pin": "D3", "action": "press"}`
 * lines, into `{ tUs, pin, pressed }` sorted as the simulator sorts them: by time, then pin
 * name, then a release before a press. (`t_ms * 1000` rounds half to even there; the scripts
 * here use whole microseconds.)
 */
export function parseInputs(text) {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l)
    .map((l) => JSON.parse(l))
    .map((e) => ({ tUs: Math.round(e.t_ms * 1000), pin: e.pin, pressed: e.action === 'press' }))
    .sort((a, b) => a.tUs - b.tUs || (a.pin < b.pin ? -1 : a.pin > b.pin ? 1 : 0) || a.pressed - b.pressed);
}

/**
 * Bounce::levels: the level changes one press or release makes with `bounce`
 * (`{ durationUs, count }`): the new `level` at `tUs`, then `count` returns to the old level
 * and back, at `tUs + floor(durationUs * k / (2 count))` for k = 1 … 2 count, ending at `level`.
 */
export function bounceLevels(bounce, tUs, level) {
  const steps = 2 * (bounce?.count ?? 0);
  const out = [{ tUs, level }];
  if (!steps || !bounce.durationUs) return out;
  for (let k = 1; k <= steps; k++) {
    out.push({ tUs: tUs + Math.floor((bounce.durationUs * k) / steps), level: k % 2 === 1 ? !level : level });
  }
  return out;
}

/**
 * The board's schedule: every input's level changes (with bounce, if any), `{ tUs, pin, level }`
 * (level: true is high, released), stably sorted by time — so one press's bounces and the next
 * event's interleave as in the simulator.
 */
export function levelChanges(inputs, bounce = null) {
  return inputs.flatMap((e) => bounceLevels(bounce, e.tUs, !e.pressed).map((c) => ({ ...c, pin: e.pin }))).sort((a, b) => a.tUs - b.tUs);
}
