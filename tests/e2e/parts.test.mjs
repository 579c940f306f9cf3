// Python mode's new parts in the browser: a PWMOut's LED follows its duty cycle, a
// potentiometer slider and a knob feed AnalogIn and IncrementalEncoder, a share link replays
// the readings and turns exactly, and axe-core finds nothing wrong with them. Part of
// `npm test` (after `cargo xtask build-web`).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, checkedPages, consoleLines, python, setCode } from './harness.mjs';
import { axe, describeViolations } from './axe.mjs';

const env = serveAndLaunch();
const { page } = checkedPages(env);

const PROGRAM = [
  'import asyncio',
  'import board',
  'import pwmio',
  'import analogio',
  'import rotaryio',
  '',
  'led = pwmio.PWMOut(board.D5, duty_cycle=0)',
  'pot = analogio.AnalogIn(board.A1)',
  'knob = rotaryio.IncrementalEncoder(board.D8, board.D9)',
  '',
  'async def fade():',
  '    duty = 0',
  '    while True:',
  '        duty = (duty + 4096) % 65536',
  '        led.duty_cycle = duty',
  '        await asyncio.sleep(0.05)',
  '',
  'async def watch():',
  '    last = None',
  '    while True:',
  '        now = (pot.value, knob.position)',
  '        if now != last:',
  '            print("pot", now[0], "knob", now[1])',
  '            last = now',
  '        await asyncio.sleep(0.02)',
  '',
  'async def main():',
  '    await asyncio.gather(fade(), watch())',
  '',
  'asyncio.run(main())',
  '',
].join('\n');

/** Waits until the console's last line is `text`. */
const lastLine = (p, text) =>
  p.waitForFunction((t) => [...document.querySelectorAll('[data-console] > *')].at(-1)?.textContent.includes(t), text, {
    timeout: 15_000,
  });

const part = (p, kind, pin) => p.locator(`[data-part="${kind}"][data-pin="${pin}"]`);

describe('Python mode: PWM LEDs, potentiometers and knobs', () => {
  test('the parts appear, move the program and a link replays them exactly', async () => {
    const p = await page();
    await python(p, 'your-program');
    await setCode(p, PROGRAM);
    await p.click('[data-part="run"]');
    await part(p, 'knob', 'D8').waitFor({ timeout: 15_000 });
    // Only what the program created: no plain LED, no button, no ring.
    assert.equal(await p.locator('.board [data-part="led"], .board [data-part="button"], .board [data-part="pixel-ring"]').count(), 0);
    await p.getByRole('button', { name: /^Record/ }).click();
    await part(p, 'pot', 'A1').waitFor({ timeout: 15_000 });
    await lastLine(p, 'pot 0 knob 0');

    // The PWM LED's brightness follows its duty cycle as the program fades it.
    const led = part(p, 'pwm-led', 'D5');
    const glow = led.locator('.led-glow');
    const seen = new Set();
    const opacities = new Set();
    for (let i = 0; i < 12; i++) {
      seen.add(await led.getAttribute('data-value'));
      opacities.add(await glow.evaluate((el) => getComputedStyle(el).opacity));
      await p.waitForTimeout(60);
    }
    assert.ok(seen.size >= 3, `duty cycles seen: ${[...seen]}`);
    assert.ok(opacities.size >= 3, `glow opacities seen: ${[...opacities]}`);

    // The potentiometer: labelled with its pin and reading; the slider sets it, and so do keys.
    const slider = p.getByLabel(/Potentiometer A1/);
    await slider.fill('40000');
    await lastLine(p, 'pot 40000 knob 0');
    assert.match(await part(p, 'pot', 'A1').locator('span').textContent(), /^Potentiometer A1: 40000$/);
    await slider.focus();
    await p.keyboard.press('ArrowRight');
    await lastLine(p, 'pot 40001 knob 0');

    // The knob: + and − turn it a detent, so do the arrow keys; it shows the detents turned.
    const knob = p.getByRole('group', { name: 'Knob on D8 and D9' });
    await knob.getByRole('button', { name: 'Turn clockwise' }).click();
    await lastLine(p, 'pot 40001 knob 1');
    await knob.getByRole('button', { name: 'Turn clockwise' }).click();
    await lastLine(p, 'pot 40001 knob 2');
    await p.keyboard.press('ArrowLeft');
    await lastLine(p, 'pot 40001 knob 1');
    await knob.getByRole('button', { name: 'Turn anticlockwise' }).click();
    await lastLine(p, 'pot 40001 knob 0');
    await p.waitForFunction(() => document.querySelector('[data-part="knob"]').dataset.value === '0');
    assert.match(await part(p, 'knob', 'D8').locator('output').textContent(), /Knob on D8 and D9: 0/);

    const violations = await axe(p);
    assert.equal(violations.length, 0, `axe-core found violations:\n${describeViolations(violations)}`);

    await p.getByRole('button', { name: /Stop recording/ }).click();
    await p.getByRole('button', { name: /Copy link/ }).click();
    const url = await p.textContent('[data-share-url]');
    assert.match(url, /rec=[^&]*:A1=40000,[^&]*:A1=40001,[^&]*:D8~1,[^&]*:D8~1,[^&]*:D8~-1,[^&]*:D8~-1/);
    const lines = await consoleLines(p);
    assert.equal(lines.length, 7, JSON.stringify(lines));

    // The link replays the same run: the same lines at the same virtual µs.
    const q = await page(url.slice(url.indexOf('?')));
    await q.waitForFunction((n) => document.querySelectorAll('[data-console] > *').length >= n, lines.length, { timeout: 20_000 });
    await q.waitForTimeout(200);
    assert.deepEqual(await consoleLines(q), lines);
    assert.equal(await part(q, 'pot', 'A1').getAttribute('data-value'), '40001');
  });

  test('a link with a malformed reading or turn says which and opens nothing of it', async () => {
    for (const [rec, expected] of [
      ['1:A1=70000', /malformed recording item 1 \("1:A1=70000"\): the reading "70000" is not a whole number from 0 to 65535/],
      ['1:D3+,2:D8~x', /malformed recording item 2 \("2:D8~x"\): the detents turned "x" is not a whole number/],
    ]) {
      const p = await page(`?v=1&demo=button-interval&speed=5&rec=${rec}`);
      const error = p.locator('[data-link-error]');
      await error.waitFor({ timeout: 10_000 });
      assert.match(await error.textContent(), expected);
      // The default demo at the default speed: nothing of the link was taken.
      assert.equal(await p.inputValue('select[name="demo"]'), 'blink-two');
      // (The speed control, not the status line: "behind: the page manages 0.65× …" on a
      // busy machine would match a loose /5×/.)
      assert.equal(await p.textContent('output[for="speed"]'), '1×');
    }
  });
});
