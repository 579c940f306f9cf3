// How long interrupts stay masked (PRIMASK), for the firmware's interrupt latency (see
// ../chip.mjs): the longest masked stretch, and the longest one with a ROM flash call in it.
//
// Time asleep in WFI does not count: a pending interrupt wakes the core even while masked, and
// its handler runs as soon as the mask is lifted, so sleeping masked delays no interrupt (the
// firmware's host loop sleeps that way). The core reports PRIMASK and WFI changes through the
// hooks chip/core.mjs gives it, so nothing is checked per instruction.

import './core.mjs';

/** Watches `mcu`'s PRIMASK; returns `{ noteFlashCall(), stats() }`. */
export function maskedTime(mcu) {
  const { core, clock } = mcu;
  let since = clock.nanos; // start of the masked stretch
  let asleep = 0; // ns of it spent in WFI
  let sleptAt = null;
  let flashInside = false;
  const m = { maxNs: 0, maxAroundFlashNs: 0, flashCallsUnmasked: 0 };
  core.onPrimask = (masked) => {
    if (masked) {
      since = clock.nanos;
      asleep = 0;
      flashInside = false;
      return;
    }
    const ns = clock.nanos - since - asleep;
    m.maxNs = Math.max(m.maxNs, ns);
    if (flashInside) m.maxAroundFlashNs = Math.max(m.maxAroundFlashNs, ns);
  };
  core.onWaiting = (waiting) => {
    if (waiting) {
      sleptAt = core.PM ? clock.nanos : null;
    } else if (sleptAt !== null) {
      asleep += clock.nanos - sleptAt;
      sleptAt = null;
    }
  };
  return {
    /** A ROM flash function is being called (masked, as it must be, or not). */
    noteFlashCall() {
      if (core.PM) flashInside = true;
      else m.flashCallsUnmasked++;
    },
    stats: () => ({ maxMaskedUs: m.maxNs / 1000, maxMaskedAroundFlashUs: m.maxAroundFlashNs / 1000, flashCallsUnmasked: m.flashCallsUnmasked }),
  };
}
