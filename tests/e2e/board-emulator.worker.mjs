// A worker thread that runs Baton's firmware on the rp2040js emulator (firmware/emulator's
// emulate.mjs) with a USB host on its CDC port (link.mjs's LinkHost), paced to the wall clock,
// for board.test.mjs: the page's fake Web Serial port talks to it through board-bridge.mjs.
//
// emulate() is one synchronous loop, so the worker never returns to its event loop while the
// chip runs: every 2 ms of emulated time an alarm on the chip's clock (which also bounds how
// far an idle chip jumps ahead) sleeps until the wall clock catches up (Atomics.wait), takes
// the bridge's commands with receiveMessageOnPort, and posts the bytes the board sent.
//
// Commands: { open } (a terminal opens the port: line coding, DTR), { close } (DTR drops),
// { write, bytes }, { press, pin, pressed } (a button on the chip's pin), { stop }.
// Posts: { ready } when the demo started, { bytes } what the board sent, { restarted } when the
// chip restarts (its USB device goes away; the new boot's port opens on the next { open }).

import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { BOARDS, emulate } from '../../firmware/emulator/emulate.mjs';
import { LinkHost } from '../../firmware/emulator/link.mjs';

const { uf2, board, commands, forMs } = workerData;
const STEP_NS = 2e6;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

class Stop extends Error {}
/** The boot running now: a restarted chip keeps its clock, and the last boot's alarm with it. */
let current = -1;

try {
  emulate({
    uf2: Buffer.from(uf2),
    board,
    forMs,
    onStart(mcu, boot) {
      // A restart (the watchdog's, after a good SetConfig): the board's USB device went away.
      if (boot > 0) parentPort.postMessage({ restarted: true });
      current = boot;
      // The port stays closed until the page opens it (LinkHost opens at openMs: far away).
      const host = new LinkHost(mcu, { openMs: 1e9 });
      const cdc = host.terminal.cdc;
      let out = [];
      const heard = cdc.onSerialData;
      cdc.onSerialData = (bytes) => {
        heard(bytes);
        out.push(...bytes);
      };
      let startWall = performance.now();
      const startNs = mcu.clock.nanos;
      let ready = false;
      const alarm = mcu.clock.createAlarm(() => {
        // The last boot's alarm, on the shared clock: it stops (its commands are this boot's).
        if (boot !== current) return;
        if (!ready && mcu.chip) {
          ready = true;
          parentPort.postMessage({ ready: true });
        }
        if (out.length) {
          parentPort.postMessage({ bytes: Uint8Array.from(out) });
          out = [];
        }
        for (let m; (m = receiveMessageOnPort(commands)); ) {
          const c = m.message;
          if (c.open) host.terminal.open();
          else if (c.close) host.terminal.close();
          else if (c.write) host.sendBytes(c.bytes);
          else if (c.press !== undefined) mcu.gpio[BOARDS[board].pins[c.pin]].setInputValue(!c.pressed);
          else if (c.stop) throw new Stop();
        }
        // Real time: wait while the chip is ahead of the wall clock; when it fell behind (a
        // busy machine), it goes on from there instead of racing to catch up, which would
        // deliver seconds of events at once.
        const ahead = (mcu.clock.nanos - startNs) / 1e6 - (performance.now() - startWall);
        if (ahead > 1) Atomics.wait(sleeper, 0, 0, ahead);
        else if (ahead < 0) startWall -= ahead;
        alarm.schedule(STEP_NS);
      });
      alarm.schedule(STEP_NS);
    },
  });
  parentPort.postMessage({ ended: true });
} catch (e) {
  if (!(e instanceof Stop)) parentPort.postMessage({ failed: e.stack || String(e) });
}
