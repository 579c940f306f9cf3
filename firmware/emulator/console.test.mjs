// The firmware's USB console against a terminal on the emulated USB host (usbhost.mjs):
// output only while a terminal holds the port open (DTR), the greeting in full and then the
// recent output for every terminal that opens it, the 1200-baud touch into BOOTSEL, and a
// serial number from the flash chip's unique ID.
//
// Time counts from reset here (`fromReset`): USB enumerates about a second after it.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emulate } from './emulate.mjs';
import { uniqueId } from './chip.mjs';
import { ROOT, firmwareFor } from './fixtures.mjs';
import { Terminal } from './usbhost.mjs';

const BENCH = join(ROOT, 'target', 'firmware', 'baton-pico-bench.uf2');
const skip = !existsSync(BENCH) && `${BENCH} is missing (cargo xtask test-firmware builds it)`;

/** Runs `uf2` from reset with a terminal on USB; `script(terminal)` schedules what it does. */
function withTerminal({ uf2, board = 'pico', forMs, inputs = [], script, onStart = () => {} }) {
  let terminal = null;
  const result = emulate({
    uf2,
    board,
    forMs,
    inputs,
    fromReset: true,
    onStart(mcu, boot) {
      if (boot > 0) return; // one session of the host: a restart ends the test's interest
      onStart(mcu);
      terminal = new Terminal(mcu);
      script(terminal);
    },
  });
  return { ...result, terminal };
}

/** The UART's text from reset: every line, CR LF, as a terminal shows it. */
const uartText = (lines) => lines.map((l) => `${l.text}\r\n`).join('');

test('USB console: nothing goes out until a terminal opens the port; then the greeting in full and the recent output', () => {
  const uf2 = firmwareFor('pico', 'blink-one', ['count=2']);
  const { terminal, lines } = withTerminal({ uf2, forMs: 3000, script: (t) => t.at(2500, () => t.open()) });
  assert.ok(terminal.connectedNs !== null && terminal.connectedNs < 2500e6, 'USB did not enumerate');
  assert.equal(terminal.leaked, '', 'bytes reached the host while no terminal had the port open');
  assert.equal(terminal.sessions.length, 1);
  const greeting = 'baton: Raspberry Pi Pico, running blink-one count=2\r\n';
  assert.equal(terminal.sessions[0].text, `${greeting}done\r\n`);
  // The UART said the same, from reset on.
  assert.equal(uartText(lines), `${greeting}done\r\n`);
});

test('USB console: each terminal that opens the port gets the greeting and the recent output again, nothing stale', () => {
  const uf2 = firmwareFor('pico', 'blink-one', ['count=2']);
  const { terminal } = withTerminal({
    uf2,
    forMs: 3200,
    script: (t) => {
      t.at(1500, () => t.open());
      t.at(1700, () => t.close());
      t.at(2800, () => t.open());
    },
  });
  assert.equal(terminal.leaked, '');
  const expected = 'baton: Raspberry Pi Pico, running blink-one count=2\r\ndone\r\n';
  assert.deepEqual(
    terminal.sessions.map((s) => s.text),
    [expected, expected],
  );
});

test('USB console: a terminal opened after more than 2 KB of output gets the last 2 KB and a line saying how much was not kept', { skip }, () => {
  // The bench build prints 60 lines of 40 bytes at its start when scratch register 3 asks
  // for it (src/bench.rs).
  const { terminal, lines } = withTerminal({
    uf2: readFileSync(BENCH),
    forMs: 1700,
    onStart: (mcu) => {
      mcu.peripherals[0x40058].scratchData[3] = 0x62757273;
    },
    script: (t) => t.at(1500, () => t.open()),
  });
  const greeting = uartText(lines.filter((l) => l.text.startsWith('baton: ')));
  const output = uartText(lines.filter((l) => !l.text.startsWith('baton: ')));
  assert.equal(lines.filter((l) => l.text.startsWith('bench: burst line ')).length, 60);
  assert.ok(output.length > 2048, `${output.length} bytes of output`);
  const notKept = output.length - 2048;
  const notice = `baton: (${notKept} bytes of earlier output not kept: the console keeps the last 2048)\r\n`;
  assert.equal(terminal.sessions[0].text, greeting + notice + output.slice(-2048));
  assert.equal(terminal.leaked, '');
});

test('USB console: opening the port at 1200 baud and closing it restarts the board into BOOTSEL; at 115200 it does not', () => {
  const uf2 = firmwareFor('pico', 'blink-one', ['count=100']);
  const touched = withTerminal({
    uf2,
    forMs: 2500,
    script: (t) => {
      t.at(1500, () => t.open(1200));
      t.at(1600, () => t.close());
    },
  });
  const bootsel = touched.events.find((e) => e.kind === 'bootsel');
  assert.ok(touched.bootsel && bootsel, 'the board did not restart into BOOTSEL');
  const ms = bootsel.t_us / 1000;
  assert.ok(ms >= 1600 && ms < 1700, `BOOTSEL at ${ms} ms`);
  assert.ok(
    touched.lines.some((l) => l.text === 'baton: restarting into BOOTSEL (the port was closed after being opened at 1200 baud): copy a UF2 to the RPI-RP2 drive'),
    JSON.stringify(touched.lines),
  );
  const plain = withTerminal({
    uf2,
    forMs: 2500,
    script: (t) => {
      t.at(1500, () => t.open(115200));
      t.at(1600, () => t.close());
    },
  });
  assert.ok(!plain.bootsel, 'closing a 115200-baud session restarted the board');
  // The demo went on blinking after the terminal closed.
  const led = plain.events.filter((e) => e.kind === 'pin' && e.pin === 'D1' && e.t_us > 1_700_000);
  assert.ok(led.length >= 3, `${led.length} LED changes after the close`);
});

test('USB descriptors: the serial number is the flash chip\'s unique ID, different per board', () => {
  const seen = [];
  for (const board of ['pico', 'qtpy']) {
    const uf2 = firmwareFor(board, 'blink-two', []);
    const { terminal } = withTerminal({
      uf2,
      board,
      forMs: 2000,
      script: (t) => {
        t.at(1500, () => {
          t.readString(1);
          t.readString(2);
          t.readString(3);
        });
      },
    });
    const id = Buffer.from(uniqueId(board)).toString('hex').toUpperCase();
    assert.equal(terminal.strings.get(1), 'Baton');
    assert.equal(terminal.strings.get(2), board === 'pico' ? 'Raspberry Pi Pico' : 'Adafruit QT Py RP2040');
    assert.equal(terminal.strings.get(3), id);
    seen.push(id);
  }
  assert.notEqual(seen[0], seen[1]);
});
