// How long interrupts stay masked (PRIMASK), for the firmware's interrupt latency (see
// ../chip.mjs): the longest masked stretch, and the longest one with a ROM flash call in it.
//
// Time asleep in WFI does not count: a pending interrupt wakes the core even while masked, and
// its handler runs as soon as the mask is lifted, so sleeping masked delays no interrupt (the
// firmware's host loop sleeps that way). PRIMASK is watched after each instruction: an accessor
// on rp2040js's `core.PM` would turn the core into a slow dictionary object.

/** Watches `mcu`'s PRIMASK; returns `{ noteFlashCall(), stats() }`. */
export function maskedTime(mcu) {
  const { core, clock } = mcu;
  let pm = core.PM;
  let since = clock.nanos; // start of the masked stretch
  let asleep = 0; // ns of it spent in WFI
  let sleptAt = null;
  let flashInside = false;
  const m = { maxNs: 0, maxAroundFlashNs: 0, flashCallsUnmasked: 0 };
  const execute = core.executeInstruction.bind(core);
  core.executeInstruction = () => {
    if (sleptAt !== null) {
      asleep += clock.nanos - sleptAt;
      sleptAt = null;
    }
    execute();
    if (core.PM !== pm) {
      pm = core.PM;
      if (pm) {
        since = clock.nanos;
        asleep = 0;
        flashInside = false;
      } else {
        const ns = clock.nanos - since - asleep;
        m.maxNs = Math.max(m.maxNs, ns);
        if (flashInside) m.maxAroundFlashNs = Math.max(m.maxAroundFlashNs, ns);
      }
    }
    if (core.waiting && pm) sleptAt = clock.nanos;
  };
  return {
    /** A ROM flash function is being called (masked, as it must be, or not). */
    noteFlashCall() {
      if (pm) flashInside = true;
      else m.flashCallsUnmasked++;
    },
    stats: () => ({ maxMaskedUs: m.maxNs / 1000, maxMaskedAroundFlashUs: m.maxAroundFlashNs / 1000, flashCallsUnmasked: m.flashCallsUnmasked }),
  };
}
