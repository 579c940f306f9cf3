// Python mode in the browser: write a code.py in the editor, run it in the worker, press the
// board's buttons, see errors on their line, survive a task that never awaits, and share a
// link that replays exactly. Part of `npm test` (after `cargo xtask build-web`).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { serveAndLaunch, checkedPages, serveDist, newPage, open, consoleLines, workerTrace, linkCode, python, setCode } from './harness.mjs';
import { EXAMPLES, SAMPLE_INPUTS, assertExact, judge } from '../oracle/judge.mjs';

const SCRATCH = mkdtempSync(join(tmpdir(), 'baton-e2e-python-'));

const env = serveAndLaunch();
const { page, track } = checkedPages(env);



/** A program file as a link's `code` value. */
const codeParam = (file) => linkCode(readFileSync(file));

/** An input script's presses (JSON Lines). */
const readScript = (file) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

/** Presses as a link's `rec` value: `<ms>:<pin><+|->`, comma-separated. */
const recParam = (events) => events.map((e) => `${e.t_ms}:${e.pin}${e.action === 'press' ? '+' : '-'}`).join(',');

/** A fresh page's whole run of `query` past `endMs` (harness.mjs, workerTrace). */
async function pageTrace(query, endMs) {
  const p = await newPage(env.browser);
  track(p);
  return workerTrace(p, env.server.url, query, endMs);
}

const editorText = (p) => p.$eval('[data-part="editor"]', (el) => el.batonEditor.getText());

describe('Python mode', () => {
  test('type a program, run it, click a button and see its print', async () => {
    const p = await page();
    await python(p, 'your-program');
    await setCode(
      p,
      [
        'import asyncio',
        'import board',
        'import keypad',
        '',
        'async def watch():',
        '    with keypad.Keys((board.D3,), value_when_pressed=False, pull=True) as keys:',
        '        while True:',
        '            event = keys.events.get()',
        '            if event and event.pressed:',
        '                print("pressed", event.key_number)',
        '            await asyncio.sleep(0.01)',
        '',
        'async def main():',
        '    await asyncio.gather(watch())',
        '',
        '',
      ].join('\n'),
    );
    // The last line typed key by key, as a person would: the page's shortcuts (P pauses,
    // R resets, N steps) stay out of the editor.
    await p.keyboard.type('asyncio.run(main())');
    assert.doesNotMatch(await p.textContent('.clock'), /paused/);
    await p.click('[data-part="run"]');
    const button = p.locator('button[data-part="button"][data-pin="D3"]');
    await button.waitFor({ timeout: 15_000 });
    await p.waitForTimeout(300);
    await button.click();
    await p.waitForFunction(
      () => [...document.querySelectorAll('[data-console] > *')].some((el) => el.textContent.includes('pressed 0')),
      null,
      { timeout: 10_000 },
    );
    // The task table names the coroutines.
    const tasks = await p.textContent('.inspector-panel');
    assert.match(tasks, /watch/);
    assert.match(tasks, /main/);
  });

  test('the page says how to leave the editor, and Esc then Tab does', async () => {
    const p = await page();
    await python(p, 'blink-one');
    assert.match(await p.textContent('[data-part="editor-keys"]'), /Esc, then Tab/);
    await p.click('[data-part="editor"] textarea');
    await p.keyboard.press('Tab');
    assert.equal(await p.evaluate(() => document.activeElement.tagName), 'TEXTAREA', 'Tab indents inside the editor');
    await p.keyboard.press('Escape');
    await p.keyboard.press('Tab');
    assert.equal(
      await p.evaluate(() => document.activeElement.closest('[data-part="editor"]')),
      null,
      'Esc then Tab moves the focus out of the editor',
    );
  });

  test('an error names its line, in the pane and in the editor', async () => {
    const p = await page();
    await python(p, 'your-program');
    await setCode(p, 'import asyncio\nx = 1\nprint(y)\n');
    await p.click('[data-part="run"]');
    const error = p.locator('[data-part="python-error"]');
    await error.waitFor({ timeout: 15_000 });
    assert.match(await error.textContent(), /^line 3: NameError: name 'y' isn't defined/);
    assert.equal(await p.locator('[data-part="editor"] .baton-error-line').count(), 1);
    // A syntax error too; fixing the program clears the mark.
    await setCode(p, 'import asyncio\n\ndef broken(:\n    pass\n');
    await p.click('[data-part="run"]');
    await p.waitForFunction(() => /^line 3: SyntaxError/.test(document.querySelector('[data-part="python-error"]')?.textContent ?? ''), null, {
      timeout: 15_000,
    });
    await setCode(p, 'print("fixed")\n');
    await p.click('[data-part="run"]');
    await p.waitForFunction(() => !document.querySelector('[data-part="python-error"]'), null, { timeout: 15_000 });
    assert.equal(await p.locator('[data-part="editor"] .baton-error-line').count(), 0);
    await p.waitForFunction(() => document.querySelector('[data-console]')?.textContent.includes('fixed'), null, { timeout: 10_000 });
  });

  test('a task that never awaits is stopped and the page stays responsive', async () => {
    const p = await page();
    await python(p, 'your-program');
    await setCode(
      p,
      [
        'import asyncio',
        'import board',
        'import digitalio',
        '',
        'async def spin():',
        '    n = 0',
        '    while True:',
        '        n += 1',
        '',
        'async def main():',
        '    await asyncio.gather(spin())',
        '',
        'asyncio.run(main())',
        '',
      ].join('\n'),
    );
    await p.click('[data-part="run"]');
    const started = Date.now();
    // While it spins, the page answers at once: the clock and the controls still work.
    await p.waitForTimeout(500);
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      await p.keyboard.press('p');
      await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
      assert.ok(Date.now() - t0 < 500, `a key took ${Date.now() - t0} ms`);
      await p.waitForTimeout(100);
    }
    const error = p.locator('[data-part="python-error"]');
    await error.waitFor({ timeout: 10_000 });
    const elapsed = Date.now() - started;
    assert.match(await error.textContent(), /task `spin` has run 2 s without awaiting — on a board every other task would be stuck/);
    assert.ok(elapsed < 6000, `stopped after ${elapsed} ms`);
    // And the next program runs.
    await setCode(p, 'import asyncio\nasync def main():\n    print("alive")\nasyncio.run(main())\n');
    await p.click('[data-part="run"]');
    await p.waitForFunction(() => document.querySelector('[data-console]')?.textContent.includes('alive'), null, { timeout: 15_000 });
  });

  test('what a runaway loop printed before it was stopped reaches the console', async () => {
    const p = await page();
    await python(p, 'your-program');
    await setCode(p, 'n = 0\nwhile True:\n    print("spin", n)\n    n += 1\n');
    await p.click('[data-part="run"]');
    const error = p.locator('[data-part="python-error"]');
    await error.waitFor({ timeout: 10_000 });
    assert.match(await error.textContent(), /code\.py's top level has run 2 s without awaiting/);
    const lines = await p.$$eval('[data-console] > *', (els) => els.map((el) => el.textContent));
    assert.ok(lines.some((l) => l.includes('spin 0') || /spin \d+/.test(l)), `console: ${lines.slice(-3)}`);
  });

  test('a share link brings back the code and replays the run exactly', async () => {
    const p = await page('?v=1&demo=button-interval');
    await python(p);
    // A small change, so the link must carry the code itself.
    const original = await editorText(p);
    const edited = original.replace('print("interval is now", interval.value)', 'print("now", interval.value)');
    assert.notEqual(edited, original);
    await setCode(p, edited);
    await p.click('[data-part="run"]');
    await p.locator('button[data-part="button"][data-pin="D3"]').waitFor({ timeout: 15_000 });
    await p.getByRole('button', { name: /^Record/ }).click();
    await p.locator('button[data-part="button"][data-pin="D3"]').waitFor({ timeout: 15_000 });
    await p.waitForTimeout(400);
    await p.click('button[data-part="button"][data-pin="D3"]');
    await p.waitForTimeout(400);
    await p.click('button[data-part="button"][data-pin="D4"]');
    await p.waitForTimeout(300);
    await p.click('button[data-part="button"][data-pin="D3"]');
    await p.waitForFunction(() => document.querySelectorAll('[data-console] > *').length >= 3, null, { timeout: 20_000 });
    await p.getByRole('button', { name: /Stop recording/ }).click();
    await p.getByRole('button', { name: /Copy link/ }).click();
    const url = await p.textContent('[data-share-url]');
    assert.match(url, /lang=python&code=d1\./);
    assert.match(url, /rec=/);
    const lines = await consoleLines(p);
    assert.equal(lines.length, 3);

    const q = await page(url.slice(url.indexOf('?')));
    await q.waitForSelector('[data-part="editor"] textarea', { timeout: 15_000 });
    assert.equal(await editorText(q), edited);
    assert.equal(await q.inputValue('select[name="language"]'), 'python');
    const last = lines[lines.length - 1].t;
    await q.waitForFunction((n) => document.querySelectorAll('[data-console] > *').length >= n, lines.length, { timeout: 20_000 });
    assert.deepEqual(await consoleLines(q), lines);
    assert.ok(last > 0);
  });

  for (const [what, code, expected] of [
    ['is not DEFLATE', 'd1.AAAA', /the link's code cannot be read: not DEFLATE data/],
    ['inflates past 16 KB', linkCode(Buffer.alloc(16 * 1024 + 1, '#')), /longer than 16 KB/],
    ['is not UTF-8', linkCode(Buffer.from([0xff, 0xfe])), /not UTF-8 text/],
  ]) {
    test(`a link whose code ${what} shows its error and falls back`, async () => {
      const p = await page(`?v=1&demo=blink-one&lang=python&code=${code}`);
      const error = p.locator('[data-link-error]');
      await error.waitFor({ timeout: 10_000 });
      assert.match(await error.textContent(), expected);
      assert.equal(await p.inputValue('select[name="language"]'), 'rust');
      assert.equal(await p.inputValue('select[name="demo"]'), 'blink-two');
    });
  }

  test('a browser without DecompressionStream says why it cannot open a code link', async () => {
    const p = await newPage(env.browser);
    track(p);
    await p.addInitScript(() => {
      delete globalThis.DecompressionStream;
    });
    const code = linkCode(Buffer.from('print(1)\n'));
    await open(p, env.server.url, `?v=1&demo=blink-one&lang=python&code=${code}`);
    const error = p.locator('[data-link-error]');
    await error.waitFor({ timeout: 10_000 });
    assert.match(await error.textContent(), /this browser cannot decompress it \(it has no DecompressionStream\)/);
  });

  test('Copy link at once after Run makes the link when the browser has compressed the code', async () => {
    const p = await page('?v=1&demo=blink-one');
    await python(p);
    const edited = (await editorText(p)) + '\nprint("mine")\n';
    await setCode(p, edited);
    // Run, then Copy link in the same task: the program's DEFLATE (CompressionStream) is
    // still on its way, so the link waits for it.
    await p.evaluate(() => {
      document.querySelector('[data-part="run"]').click();
      [...document.querySelectorAll('button')].find((b) => /Copy link/.test(b.textContent)).click();
    });
    await p.waitForSelector('[data-share-url]', { timeout: 10_000 });
    const url = await p.textContent('[data-share-url]');
    const q = await page(url.slice(url.indexOf('?')));
    await q.waitForSelector('[data-part="editor"] textarea', { timeout: 15_000 });
    assert.equal(await editorText(q), edited);
  });

  test('a page served without cross-origin isolation says what Python mode needs', async () => {
    const plain = await serveDist({ isolated: false });
    try {
      // Without service workers too (which would isolate the page: static-host.test.mjs).
      const p = await newPage(env.browser, { serviceWorkers: 'block' });
      track(p);
      await open(p, plain.url);
      await python(p, 'blink-one');
      const error = p.locator('[data-part="python-error"]');
      await error.waitFor({ timeout: 15_000 });
      assert.match(await error.textContent(), /cross-origin isolated page .*Cross-Origin-Opener-Policy: same-origin/);
      // Rust mode still works there.
      await p.selectOption('select[name="language"]', 'rust');
      await p.waitForSelector('pre.source');
      assert.equal(await p.locator('[data-part="python-error"]').count(), 0);
    } finally {
      await plain.close();
    }
  });

  test('edits are kept when another program is picked, and Revert brings the original back', async () => {
    const p = await page();
    await python(p, 'blink-one');
    const original = await editorText(p);
    assert.equal(await p.locator('[data-part="revert"]').count(), 0);
    await setCode(p, 'print("mine")\n');
    await p.locator('[data-part="revert"]').waitFor();
    await p.selectOption('select[name="demo"]', 'blink-two');
    await p.waitForFunction(() => document.querySelector('[data-part="editor"]').batonEditor.getText().includes('led2_task'));
    await p.selectOption('select[name="demo"]', 'blink-one');
    await p.waitForFunction(() => document.querySelector('[data-part="editor"]').batonEditor.getText() === 'print("mine")\n');
    await p.waitForFunction(() => document.querySelector('[data-console]')?.textContent.includes('mine'), null, { timeout: 15_000 });
    await p.click('[data-part="revert"]');
    await p.waitForFunction((o) => document.querySelector('[data-part="editor"]').batonEditor.getText() === o, original);
    assert.equal(await p.locator('[data-part="revert"]').count(), 0);
  });

  test('Download code.py saves the editor text', async () => {
    const p = await page();
    await python(p, 'blink-one');
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('[data-part="download-code"]')]);
    assert.equal(download.suggestedFilename(), 'code.py');
    const chunks = [];
    for await (const c of await download.createReadStream()) chunks.push(c);
    assert.equal(Buffer.concat(chunks).toString('utf8'), await editorText(p));
  });

  test('Step runs the program one turn at a time', async () => {
    const p = await page('?v=1&demo=blink-two');
    await python(p);
    await p.waitForSelector('[data-part="led"]');
    await p.waitForTimeout(500);
    await p.keyboard.press('p');
    await p.waitForTimeout(300);
    const clock = () => p.textContent('.clock .time');
    const paused = await clock();
    await p.waitForTimeout(300);
    assert.equal(await clock(), paused, 'paused: the clock stands still');
    const seen = [paused];
    for (let i = 0; i < 3; i++) {
      await p.keyboard.press('n');
      await p.waitForFunction((before) => document.querySelector('.clock .time').textContent !== before, seen.at(-1), { timeout: 5000 });
      seen.push(await clock());
    }
    const us = seen.map((t) => Math.round(parseFloat(t) * 1e6));
    for (let i = 1; i < us.length; i++) assert.ok(us[i] > us[i - 1], `${seen}`);
  });

  test('switch bounce in Python mode equals the judge given the bounces as presses', async () => {
    // countio counts every edge, bounce included: 3 extra bounces over 3 ms on each change.
    const [durationUs, count] = [3000, 3];
    const program = join(EXAMPLES, 'countio-interrupt.py');
    const events = readScript(SAMPLE_INPUTS['countio-interrupt']);
    // The judge's board has no bounce: give it the level changes a bouncing switch makes
    // (baton_sim::Bounce::levels), as presses and releases.
    const bounced = [];
    for (const e of events) {
      const t = Math.round(e.t_ms * 1000);
      const pressed = e.action === 'press';
      bounced.push([t, pressed]);
      for (let k = 1; k <= 2 * count; k++) bounced.push([t + Math.floor((durationUs * k) / (2 * count)), k % 2 === 1 ? !pressed : pressed]);
    }
    const script = join(SCRATCH, 'bounced.jsonl');
    writeFileSync(script, bounced.map(([t, pressed]) => JSON.stringify({ t_ms: t / 1000, pin: events[0].pin, action: pressed ? 'press' : 'release' })).join('\n') + '\n');
    const query = `?v=1&demo=countio-interrupt&lang=python&code=${codeParam(program)}&speed=100&bounce=${durationUs}x${count}&rec=${recParam(events)}`;
    const trace = await pageTrace(query, 3000);
    assertExact('bounce', judge(program, 3000, 10, script), trace, 3_000_000);
    // The bounces counted: without them the sample prints twice.
    const prints = trace.split('\n').filter((l) => l.includes('"print"')).length;
    assert.ok(prints > 2, `${prints} prints`);
  });

  // The page's run against the judge, event for event: the guide's programs (with the sample
  // presses for the button ones) opened from a link, their whole trace taken from the
  // worker's messages, compared by exact.py with cpboard.py's (CircuitPython's asyncio 3.1.1).
  const END_MS = 3000;
  for (const file of readdirSync(EXAMPLES).filter((f) => f.endsWith('.py')).sort()) {
    const id = basename(file, '.py');
    test(`the page runs ${id} exactly as the judge`, async () => {
      const program = join(EXAMPLES, file);
      const inputs = SAMPLE_INPUTS[id];
      let query = `?v=1&demo=${id}&lang=python&code=${codeParam(program)}&speed=100`;
      if (inputs) query += `&rec=${recParam(readScript(inputs))}`;
      const trace = await pageTrace(query, END_MS);
      assert.match(assertExact(`${id}.page`, judge(program, END_MS, 10, inputs), trace, END_MS * 1000), /^exact: [1-9]/);
    });
  }
});
