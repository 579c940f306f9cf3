// The strict chip's error, and the little helpers its parts share (see ../chip.mjs).

/** A check the real chip would fail (a fault, a clock that is not there, garbage on a wire). */
export class ChipError extends Error {
  constructor(kind, message) {
    super(`${kind}: ${message}`);
    this.name = 'ChipError';
    this.kind = kind;
  }
}

export const hex = (n, w = 8) => `0x${(n >>> 0).toString(16).padStart(w, '0')}`;
export const MHZ = 1e6;

