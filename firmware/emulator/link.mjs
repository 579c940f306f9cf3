// The host's side of Baton's board link (docs/LINK.md) for the emulator tests: frames
// (0x00, COBS of version · postcard message · CRC-32, 0x00), the page's messages encoded and
// the board's decoded, written from docs/LINK.md — so the tests also check that the firmware
// (which frames with crates/baton-link) speaks what the document says.
//
// `LinkHost` is a USB host on the emulated chip (usbhost.mjs's Terminal: enumeration, DTR)
// that sends frames at emulated times and collects the board's frames and errors, each with
// the emulated time it arrived.

import { Terminal } from './usbhost.mjs';

export const VERSION = 2;
/** Pin codes (docs/LINK.md): D0–D13, A0–A5, LED, NEOPIXEL. */
export const PINS = [...Array.from({ length: 14 }, (_, i) => `D${i}`), ...Array.from({ length: 6 }, (_, i) => `A${i}`), 'LED', 'NEOPIXEL'];

/** CRC-32/ISO-HDLC (zlib's). */
export function crc32(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

export function cobsEncode(bytes) {
  const out = [0];
  let codeAt = 0;
  let code = 1;
  for (const b of bytes) {
    if (b === 0) {
      out[codeAt] = code;
      codeAt = out.length;
      out.push(0);
      code = 1;
    } else {
      out.push(b);
      if (++code === 0xff) {
        out[codeAt] = code;
        codeAt = out.length;
        out.push(0);
        code = 1;
      }
    }
  }
  out[codeAt] = code;
  return out;
}

export function cobsDecode(bytes) {
  const out = [];
  for (let i = 0; i < bytes.length; ) {
    const code = bytes[i++];
    if (code === 0 || i + code - 1 > bytes.length) throw new Error('not a COBS frame');
    for (let k = 1; k < code; k++) out.push(bytes[i++]);
    if (code < 0xff && i < bytes.length) out.push(0);
  }
  return out;
}

function varint(n) {
  const out = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

const str = (s) => {
  const b = [...Buffer.from(s, 'utf8')];
  return [...varint(b.length), ...b];
};

/** A frame of `body` (the postcard message), as the wire carries it. */
export function frame(body, version = VERSION) {
  const raw = [version, ...body];
  const crc = crc32(raw);
  raw.push(crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24);
  return Uint8Array.from([0, ...cobsEncode(raw), 0]);
}

/** The page's messages: `{ type: 'Hello' | 'StartStream' | 'StopStream' }` or `{ type: 'SetConfig', demo, params: [[k, v]…] }`. */
export function encodeHost(m) {
  switch (m.type) {
    case 'Hello':
      return frame([0]);
    case 'StartStream':
      return frame([1]);
    case 'StopStream':
      return frame([2]);
    case 'SetConfig':
      return frame([3, ...str(m.demo), ...varint(m.params.length), ...m.params.flatMap(([k, v]) => [...str(k), ...str(v)])]);
    default:
      throw new Error(`no host message ${m.type}`);
  }
}

class Reader {
  constructor(bytes) {
    this.b = bytes;
    this.i = 0;
  }
  byte() {
    if (this.i >= this.b.length) throw new Error('the message ends early');
    return this.b[this.i++];
  }
  varint() {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = this.byte();
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return Number(v);
    }
  }
  bool() {
    const b = this.byte();
    if (b > 1) throw new Error(`bool ${b}`);
    return b === 1;
  }
  bytes() {
    const n = this.varint();
    if (this.i + n > this.b.length) throw new Error('the message ends early');
    const out = this.b.slice(this.i, this.i + n);
    this.i += n;
    return out;
  }
  str() {
    return Buffer.from(this.bytes()).toString('utf8');
  }
  pin() {
    const c = this.byte();
    if (c >= PINS.length) throw new Error(`unknown pin code ${c}`);
    return PINS[c];
  }
}

/** What a turn left its task as (TurnState's variants, in order). */
const TURN_STATES = ['ready', 'sleeping', 'waiting', 'done', 'cancelled', 'failed'];

/** A board's message from a frame's bytes after COBS (version, message, CRC). */
export function decodeBoard(raw) {
  if (raw.length < 5) throw new Error(`a frame of ${raw.length} bytes`);
  const data = raw.slice(0, -4);
  const stored = (raw.at(-4) | (raw.at(-3) << 8) | (raw.at(-2) << 16) | (raw.at(-1) << 24)) >>> 0;
  if (stored !== crc32(data)) throw new Error('CRC mismatch');
  if (data[0] !== VERSION) throw new Error(`version ${data[0]}`);
  const r = new Reader(data.slice(1));
  const variant = r.varint();
  let m;
  switch (variant) {
    case 0: {
      m = { type: 'HelloReply', protocol: r.byte(), firmware: r.str(), board: r.str(), demo: r.str() };
      const n = r.varint();
      m.params = Array.from({ length: n }, () => [r.str(), r.str()]);
      m.safe_mode = r.bool() ? r.str() : null;
      break;
    }
    case 1:
      m = { type: 'PinChange', t_us: r.varint(), pin: r.pin(), level: r.bool() };
      break;
    case 2:
      m = { type: 'Print', t_us: r.varint(), text: r.str() };
      break;
    case 3: {
      m = { type: 'Pixels', t_us: r.varint(), pin: r.pin() };
      const b = r.bytes();
      m.colours = Array.from({ length: b.length / 3 }, (_, i) => [b[3 * i], b[3 * i + 1], b[3 * i + 2]]);
      break;
    }
    case 4: {
      m = { type: 'Turn', task: r.varint(), start_us: r.varint(), end_us: r.varint() };
      const state = r.varint();
      m.state = TURN_STATES[state];
      if (m.state === undefined) throw new Error(`no turn state ${state}`);
      if (m.state === 'sleeping') m.until_us = r.varint();
      break;
    }
    case 5:
      m = { type: 'Press', t_us: r.varint(), pin: r.pin(), pressed: r.bool() };
      break;
    case 6:
      m = r.varint() === 0 ? { type: 'ConfigResult', ok: true, masked_us: r.varint() } : { type: 'ConfigResult', ok: false, error: r.str() };
      break;
    case 7:
      m = { type: 'Lost', count: r.varint() };
      break;
    case 8:
      m = { type: 'Console', text: r.str() };
      break;
    default:
      throw new Error(`no board message ${variant}`);
  }
  if (r.i !== r.b.length) throw new Error(`${r.b.length - r.i} bytes after the message`);
  return m;
}

/** Cuts a byte stream at 0x00; `push(bytes)` returns `{ message }` or `{ error, bytes }` per piece. */
export class Deframer {
  constructor() {
    this.piece = [];
  }
  push(bytes) {
    const out = [];
    for (const b of bytes) {
      if (b !== 0) {
        this.piece.push(b);
        continue;
      }
      const piece = this.piece;
      this.piece = [];
      if (!piece.length) continue;
      try {
        out.push({ message: decodeBoard(cobsDecode(piece)) });
      } catch (e) {
        out.push({ error: e.message, bytes: piece });
      }
    }
    return out;
  }
}

/**
 * A host with the link on `mcu`'s USB: it enumerates, opens the port (DTR) at `openMs`, and
 * sends what `script(host)` schedules with `host.at(ms, () => host.send(message))`. It holds
 * the board's OUT reads until it has bytes (a real host NAKs), so an idle link costs the board
 * no interrupts. `messages`: `{ ns, message }` per frame received; `errors`: pieces refused;
 * `text`: bytes outside frames (plain console text), as latin1.
 */
export class LinkHost {
  constructor(mcu, { openMs = 0 } = {}) {
    this.mcu = mcu;
    this.terminal = new Terminal(mcu);
    this.messages = [];
    this.errors = [];
    this.deframer = new Deframer();
    this.out = [];
    this.pendingRead = null;
    const cdc = this.terminal.cdc;
    const onData = cdc.onSerialData;
    cdc.onSerialData = (bytes) => {
      onData(bytes);
      for (const r of this.deframer.push(bytes)) {
        if (r.message) this.messages.push({ ns: mcu.clock.nanos, message: r.message });
        else this.errors.push({ ns: mcu.clock.nanos, error: r.error, text: Buffer.from(r.bytes).toString('latin1') });
      }
    };
    const usb = mcu.usbCtrl;
    const read = usb.onEndpointRead;
    usb.onEndpointRead = (endpoint, size) => {
      // (The device's only OUT endpoint besides 0 is the data interface's; it may arm it
      // before the CDC helper has read the descriptors that name it.)
      if (endpoint !== 0) {
        this.pendingRead = { endpoint, size };
        this.feed();
        return;
      }
      read(endpoint, size);
    };
    this.terminal.at(openMs, () => this.terminal.open());
  }

  /** Runs `action` at `ms` of emulated time (since reset). */
  at(ms, action) {
    this.terminal.at(ms, action);
    return this;
  }

  /** Sends raw bytes to the board (a frame, or garbage). */
  sendBytes(bytes) {
    this.out.push(...bytes);
    this.feed();
  }

  /** Sends a page's message. */
  send(message) {
    this.sendBytes(encodeHost(message));
  }

  /** Whether the port is open (the host sends nothing before, as a real one would not). */
  get open() {
    return !!this.terminal.sessions.at(-1)?.open;
  }

  feed() {
    if (!this.out.length) return;
    if (!this.open) {
      // Not enumerated and opened yet: try again in a millisecond.
      if (!this.retry) {
        this.retry = true;
        this.terminal.later(() => {
          this.retry = false;
          this.feed();
        }, 1);
      }
      return;
    }
    if (!this.pendingRead) return;
    const { endpoint, size } = this.pendingRead;
    this.pendingRead = null;
    const chunk = Uint8Array.from(this.out.splice(0, size));
    this.mcu.usbCtrl.endpointReadDone(endpoint, chunk);
  }

  /** The messages of one type. */
  of(type) {
    return this.messages.filter((m) => m.message.type === type).map((m) => ({ ns: m.ns, ...m.message }));
  }
}
