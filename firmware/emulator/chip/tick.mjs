// The watchdog's tick generator, and the TIMER and watchdog counter that count its ticks (see
// ../chip.mjs).

// ---- The watchdog's tick, the TIMER and the watchdog counter.

const TIMER = { TIMEHR: 0x08, TIMELR: 0x0c, ALARM0: 0x10, ALARM3: 0x1c, TIMERAWH: 0x24, TIMERAWL: 0x28 };
const WATCHDOG_TICK = 0x2c;

export function tickedTimer(mcu, tree, carriedTick) {
  const timer = mcu.peripherals[0x40054];
  const wd = mcu.peripherals[0x40058];
  const { clock } = mcu;
  let tick = carriedTick ?? 0x200; // TICK reset: ENABLE, CYCLES 0
  let periodNs = Infinity; // ns per tick; Infinity: no ticks
  let anchorNs = clock.nanos;
  let anchorTicks = 0;
  const ticksAt = (ns) => anchorTicks + (periodNs === Infinity ? 0 : (ns - anchorNs) / periodNs);
  const count = () => Math.floor(ticksAt(clock.nanos) + 1e-9);

  function schedule(alarm) {
    if (!alarm.armed) return;
    if (periodNs === Infinity) {
      alarm.clockAlarm.cancel(); // no ticks: the comparator never matches
      return;
    }
    const now = count();
    const ahead = (alarm.targetMicros - now) >>> 0 || 2 ** 32;
    const atNs = anchorNs + (now + ahead - anchorTicks) * periodNs;
    alarm.clockAlarm.schedule(Math.max(atNs - clock.nanos, 0));
  }
  function retime() {
    const ref = tree.f.ref;
    const cycles = tick & 0x1ff;
    const next = tick & 0x200 && cycles && ref ? (cycles * 1e9) / ref : Infinity;
    if (next === periodNs) return;
    anchorTicks = ticksAt(clock.nanos);
    anchorNs = clock.nanos;
    periodNs = next;
    timer.alarms.forEach(schedule);
    // The watchdog counts down twice per tick (RP2040-E1).
    const running = periodNs !== Infinity;
    wd.tickEnable = running;
    if (running) wd.timer.frequency = 2e9 / periodNs;
    wd.timer.enable = wd.enable && running;
    wd.alarm.enable = wd.enable && running;
  }

  const timerRead = timer.readUint32.bind(timer);
  timer.readUint32 = (offset) => {
    switch (offset) {
      case TIMER.TIMELR: {
        const c = count();
        timer.latchedTimeHigh = Math.floor(c / 2 ** 32);
        return c >>> 0;
      }
      case TIMER.TIMERAWL:
        return count() >>> 0;
      case TIMER.TIMERAWH:
        return Math.floor(count() / 2 ** 32);
      default:
        return timerRead(offset);
    }
  };
  const timerWrite = timer.writeUint32.bind(timer);
  timer.writeUint32 = (offset, value) => {
    if (offset >= TIMER.ALARM0 && offset <= TIMER.ALARM3) {
      const alarm = timer.alarms[(offset - TIMER.ALARM0) / 4];
      alarm.armed = true;
      alarm.targetMicros = value >>> 0;
      schedule(alarm);
      return;
    }
    timerWrite(offset, value);
  };
  const wdRead = wd.readUint32.bind(wd);
  wd.readUint32 = (offset) => (offset === WATCHDOG_TICK ? (tick & 0x3ff) | (periodNs !== Infinity ? 1 << 10 : 0) : wdRead(offset));
  const wdWrite = wd.writeUint32.bind(wd);
  wd.writeUint32 = (offset, value) => {
    if (offset === WATCHDOG_TICK) {
      tick = value & 0x3ff;
      retime();
      return;
    }
    wdWrite(offset, value);
    if (offset === 0x00) {
      // CTRL: rp2040js enables its counter from its own tick flag; keep it on ours.
      wd.timer.enable = wd.enable && periodNs !== Infinity;
      wd.alarm.enable = wd.enable && periodNs !== Infinity;
    }
  };
  wd.tickEnable = false;
  wd.timer.enable = false;
  wd.alarm.enable = false;
  retime();
  return {
    retime,
    get tick() {
      return tick;
    },
    get periodNs() {
      return periodNs;
    },
    down: () => timer.alarms.forEach((a) => a.clockAlarm.cancel()),
  };
}

