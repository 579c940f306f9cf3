// Web Serial for board.test.mjs: the page's `navigator.serial` replaced by a bridge to ports
// that live in Node (page.addInitScript + page.exposeBinding). A port is one of
// - `emulator`: Baton's real firmware on the rp2040js emulator in a worker thread
//   (board-emulator.worker.mjs), over its USB CDC port, in real time;
// - `text`: a port that answers with a REPL's text (CircuitPython's banner and ">>> ");
// - `silent`: a port that opens and never says anything;
// - `busy`: a port that another tab has open (open() fails as Chrome's does);
// - `old`: a port that answers Hello with a frame of link protocol version 0;
// - `safe`: a Baton board in safe mode (its HelloReply says why);
// - `board`: a Baton board running blink-one (its HelloReply only).
// A fake port records what the page did with it in `ops` (`['open', baudRate]`,
// `['signals', {…}]`, `['close']`): the 1200-baud touch is an open at 1200 and a close.
// An emulated port can also be pulled out (`pull()`: its reader fails as Chrome's does when
// the device goes away) and fed garbage between the board's frames (`inject(bytes)`). When the
// firmware restarts (a watchdog reset, as after a good SetConfig) its USB device goes away
// as a real one does: the page's read fails, and the port can be opened again (the new boot's).

import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { ROOT, newPage } from './harness.mjs';
import { frame } from '../../firmware/emulator/link.mjs';

/** The prebuilt Pico firmware (built as firmware/emulator's tests need it, if it is missing). */
export function picoFirmware() {
  const file = join(ROOT, 'target', 'firmware', 'baton-pico.uf2');
  if (!existsSync(file)) {
    execFileSync(process.env.CARGO || 'cargo', ['xtask', 'firmware', '--all'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return file;
}

/** The prebuilt Pico firmware with `demo`'s configuration block, as "Download firmware" makes it. */
export async function picoDemo(demo) {
  picoFirmware();
  const { firmwareFor } = await import('../../firmware/emulator/fixtures.mjs');
  return firmwareFor('pico', demo, []);
}

/** The "Your board" panel's status line. */
export const status = (page) => page.textContent('[data-link="status"]');

/** Waits until the panel's status line matches `pattern`. */
export const untilStatus = (page, pattern, timeout) =>
  page.waitForFunction(
    ([source, flags]) => new RegExp(source, flags).test(document.querySelector('[data-link="status"]')?.textContent ?? ''),
    [pattern.source, pattern.flags],
    { timeout },
  );

/** A byte queue that a page's read waits on. */
class Inbox {
  constructor() {
    this.bytes = [];
    this.error = null;
    this.waiter = null;
  }
  push(bytes) {
    this.bytes.push(...bytes);
    this.wake();
  }
  fail(error) {
    this.error = error;
    this.wake();
  }
  wake() {
    this.waiter?.();
    this.waiter = null;
  }
  /** What came since the last read (after up to `ms` of waiting for something). */
  async take(ms = 200) {
    if (!this.bytes.length && !this.error) await new Promise((r) => ((this.waiter = r), setTimeout(r, ms)));
    if (this.error) return { error: this.error };
    return { bytes: this.bytes.splice(0) };
  }
}

/** The emulated board: the firmware in a worker thread, paced to the wall clock. */
export class EmulatedPort {
  constructor(uf2, { forMs = 60_000 } = {}) {
    const { port1, port2 } = new MessageChannel();
    this.commands = port2;
    this.inbox = new Inbox();
    this.failed = null;
    this.worker = new Worker(new URL('./board-emulator.worker.mjs', import.meta.url), {
      workerData: { uf2, board: 'pico', commands: port1, forMs },
      transferList: [port1],
    });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (m) => {
        if (m.ready) resolve();
        if (m.bytes && this.isOpen) this.inbox.push(m.bytes);
        if (m.restarted) {
          this.restarts = (this.restarts ?? 0) + 1;
          this.isOpen = false;
          this.inbox.fail({ name: 'NetworkError', message: 'The device has been lost.' });
        }
        if (m.failed) reject(new Error((this.failed = m.failed)));
      });
      this.worker.on('error', reject);
    });
  }
  open() {
    if (this.pulled) throw Object.assign(new Error('Failed to open serial port.'), { name: 'NetworkError' });
    if (this.inbox.error) this.inbox = new Inbox(); // the device is back (after a restart)
    this.isOpen = true;
  }
  /** DTR raised: the emulated terminal opens the board's port (line coding, DTR). */
  signals({ dataTerminalReady }) {
    if (dataTerminalReady) this.commands.postMessage({ open: true });
  }
  write(bytes) {
    this.commands.postMessage({ write: true, bytes });
  }
  close() {
    this.isOpen = false;
    this.commands.postMessage({ close: true });
  }
  /** A button on the chip: `pressed` drives its pin low (the demo's pull-up holds it high). */
  press(pin, pressed) {
    this.commands.postMessage({ press: true, pin, pressed });
  }
  /** The cable is pulled: the page's pending read fails, as Chrome's does. */
  pull() {
    this.pulled = true;
    this.inbox.fail({ name: 'NetworkError', message: 'The device has been lost.' });
  }
  /** Bytes that are not the board's (line noise) in the stream the page reads. */
  inject(bytes) {
    this.inbox.push(bytes);
  }
  async stop() {
    await this.worker.terminate();
  }
}

/** A port in Node that is not a Baton board (see the module docs). */
export class FakePort {
  constructor(kind) {
    this.kind = kind;
    this.inbox = new Inbox();
    this.ops = [];
  }
  open(options) {
    this.ops.push(['open', options?.baudRate]);
    if (this.kind === 'busy') throw Object.assign(new Error('Failed to open serial port.'), { name: 'NetworkError' });
    if (this.kind === 'text') this.inbox.push([...Buffer.from('\r\nAdafruit CircuitPython 9.2.1 on 2024-11-20; Raspberry Pi Pico with rp2040\r\n>>> ')]);
  }
  write(bytes) {
    // A REPL echoes what it gets and prompts again; an old Baton firmware answers in its
    // own protocol version (a HelloReply-tagged frame of version 0).
    if (this.kind === 'text') this.inbox.push([...bytes.filter((b) => b >= 32), ...Buffer.from('\r\n>>> ')]);
    if (this.kind === 'old' && bytes.includes(0)) this.inbox.push([...frame([0, 0, 5, ...Buffer.from('0.0.9')], 0)]);
    // A Baton board in safe mode: its HelloReply names why (docs/LINK.md's fields in order).
    const str = (t) => [t.length, ...Buffer.from(t)];
    const hello = [0, 1, ...str('0.1.0'), ...str('Raspberry Pi Pico'), ...str('blink-one'), 0];
    if (this.kind === 'safe' && bytes.includes(0)) {
      this.inbox.push([...frame([...hello, 1, ...str('the demo panicked: index out of bounds')])]);
    }
    if (this.kind === 'board' && bytes.includes(0)) this.inbox.push([...frame([...hello, 0])]);
  }
  signals(signals) {
    this.ops.push(['signals', signals]);
  }
  close() {
    this.ops.push(['close']);
    this.closed = true;
  }
  async stop() {}
}

/**
 * Runs `body(board, page)` on a fresh page whose only serial port is `uf2` on an emulated board,
 * and closes both afterwards, whatever happens.
 */
export async function withEmulatedBoard(browser, uf2, body) {
  const board = new EmulatedPort(uf2);
  const page = await newPage(browser);
  try {
    await installSerial(page, async () => {
      await board.ready;
      return board;
    });
    await body(board, page);
  } finally {
    await page.context().close();
    await board.stop();
  }
}

/**
 * Installs the fake `navigator.serial` in `page`: `requestPort()` gives `choose()`'s port
 * (a Node object with open/write/close and an `inbox`). Call before the page loads.
 */
export async function installSerial(page, choose) {
  const ports = new Map();
  await page.exposeBinding('batonSerial', async (_source, op, id, arg) => {
    if (op === 'request') {
      const port = await choose();
      ports.set(ports.size + 1, port);
      return ports.size;
    }
    const port = ports.get(id);
    try {
      if (op === 'open') port.open(arg);
      else if (op === 'write') port.write(arg);
      else if (op === 'signals') port.signals(arg);
      else if (op === 'close') port.close();
      else if (op === 'read') return await port.inbox.take();
      return {};
    } catch (e) {
      return { error: { name: e.name, message: e.message } };
    }
  });
  await page.addInitScript(() => {
    const call = async (op, id, arg) => {
      const r = await window.batonSerial(op, id, arg);
      if (r?.error) throw new DOMException(r.error.message, r.error.name);
      return r;
    };
    class SerialPort {
      constructor(id) {
        this.id = id;
        this.readable = null;
        this.writable = null;
      }
      async open(options) {
        await call('open', this.id, options);
        let cancelled = false;
        this.readable = new ReadableStream({
          pull: async (c) => {
            for (;;) {
              let r;
              try {
                r = await call('read', this.id);
              } catch (e) {
                // The device is gone: Chrome errors the stream and sets readable to null.
                this.readable = null;
                if (!cancelled) c.error(e);
                return;
              }
              if (cancelled) return;
              if (r.bytes.length) return c.enqueue(Uint8Array.from(r.bytes));
            }
          },
          cancel: () => {
            cancelled = true;
          },
        });
        this.writable = new WritableStream({ write: (chunk) => call('write', this.id, Array.from(chunk)) });
      }
      async setSignals(signals) {
        await call('signals', this.id, signals);
      }
      async close() {
        await call('close', this.id);
        this.readable = this.writable = null;
      }
    }
    Object.defineProperty(navigator, 'serial', {
      configurable: true,
      value: { requestPort: async () => new SerialPort(await window.batonSerial('request')), getPorts: async () => [] },
    });
  });
}
