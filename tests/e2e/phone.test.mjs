// The playground on a phone (issue 23, item 5): 390×844 CSS px with touch, as an iPhone 12–15
// or a mid-size Android reports itself. Both pickers show their choice in full, the board's
// buttons work by press-and-hold, the editor takes typing and Run runs it, nothing overflows
// sideways, no keyboard hints show, and axe-core finds no WCAG 2 A/AA violation.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, newPage, open, consoleLines, python, setCode } from './harness.mjs';
import { axe, describeViolations } from './axe.mjs';

const env = serveAndLaunch();
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 3 };

const phone = async (query = '') => {
  const p = await newPage(env.browser, PHONE);
  await open(p, env.server.url, query);
  return p;
};

/**
 * Elements that stick out of the viewport sideways, outside a box that scrolls them itself
 * (the source pane, the timeline): "TAG.class right=N" each.
 */
const sticksOut = (p) =>
  p.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const scrolls = (el) => {
      for (let e = el.parentElement; e; e = e.parentElement) {
        const x = getComputedStyle(e).overflowX;
        if ((x === 'auto' || x === 'scroll' || x === 'hidden') && e.getBoundingClientRect().right <= width + 0.5) return true;
      }
      return false;
    };
    return [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().right > width + 0.5 && !scrolls(el))
      .map((el) => `${el.tagName}.${el.className} right=${Math.round(el.getBoundingClientRect().right)}`);
  });

/** How wide the select's chosen option is drawn, against the room the select gives it. */
const choiceFits = (p, selector) =>
  p.$eval(selector, (select) => {
    const style = getComputedStyle(select);
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = select.options[select.selectedIndex].text;
    // The room for the text: the box less its padding and the drop-down arrow (about 1.5em).
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 1.5 * parseFloat(style.fontSize);
    return { text, needs: Math.ceil(ctx.measureText(text).width), room: Math.floor(room) };
  });

/** Holds a finger on `locator`'s centre for `ms` through the DevTools protocol's touch events. */
async function hold(p, locator, ms) {
  const box = await locator.boundingBox();
  const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const cdp = await p.context().newCDPSession(p);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
  await p.waitForTimeout(ms / 2);
  // Still held half-way: a long touch did not become a scroll, a menu or a cancel.
  const held = await locator.evaluate((el) => el.classList.contains('held'));
  await p.waitForTimeout(ms / 2);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
  return held;
}

describe('on a phone (390×844, touch)', () => {
  test('both pickers show their choice in full, in both languages', async () => {
    const p = await phone('?v=1&demo=keypad-transitions');
    try {
      for (const language of ['rust', 'python']) {
        await p.selectOption('select[name="language"]', language);
        for (const selector of ['#language-picker', '#demo-picker']) {
          const fit = await choiceFits(p, selector);
          assert.ok(fit.needs <= fit.room, `${language}: ${selector} shows "${fit.text}" (${fit.needs} px) in ${fit.room} px`);
        }
      }
      assert.deepEqual(p.errors, []);
    } finally {
      await p.context().close();
    }
  });

  test('a board button works by press-and-hold', async () => {
    const p = await phone('?v=1&demo=keypad-transitions');
    try {
      const button = p.locator('button[data-part="button"][data-pin="D3"]');
      await button.waitFor();
      // Let the first scans run, then hold for 1.2 s of real time (the page runs at 1×).
      await p.waitForTimeout(300);
      assert.ok(await hold(p, button, 1200), 'the button was not held half-way through the touch');
      await p.waitForFunction(
        () => [...document.querySelectorAll('[data-console] > *')].some((el) => el.textContent.includes('pin went high')),
        null,
        { timeout: 5_000 },
      );
      const lines = await consoleLines(p);
      const low = lines.find((l) => l.text.includes('pin went low'));
      const high = lines.find((l) => l.text.includes('pin went high'));
      assert.ok(low && high, `console: ${JSON.stringify(lines)}`);
      // One press, held: low and high once each, about the hold's length apart.
      assert.equal(lines.filter((l) => l.text.includes('pin went low')).length, 1, JSON.stringify(lines));
      const heldUs = high.t - low.t;
      assert.ok(heldUs > 800_000 && heldUs < 2_500_000, `held ${heldUs} µs of virtual time for a 1.2 s touch`);
      assert.equal(await button.evaluate((el) => el.classList.contains('held')), false, 'still held after the finger left');
      assert.deepEqual(p.errors, []);
    } finally {
      await p.context().close();
    }
  });

  test('the editor takes typing and Run runs it', async () => {
    const p = await phone();
    try {
      await python(p, 'your-program');
      await setCode(p, 'import asyncio\n\nasync def main():\n    await asyncio.sleep(0.1)\n    print("hello from a phone")\n\n');
      await p.locator('[data-part="editor"] textarea').type('asyncio.run(main())');
      await p.locator('[data-part="run"]').tap();
      await p.waitForFunction(
        () => [...document.querySelectorAll('[data-console] > *')].some((el) => el.textContent.includes('hello from a phone')),
        null,
        { timeout: 20_000 },
      );
      const line = (await consoleLines(p)).find((l) => l.text.includes('hello from a phone'));
      assert.equal(line.t >= 100_000 && line.t < 101_000, true, `printed at ${line.t} µs`);
      assert.deepEqual(p.errors, []);
    } finally {
      await p.context().close();
    }
  });

  test('nothing overflows sideways and no keyboard hint shows, on a demo and in Python mode', async () => {
    const p = await phone('?v=1&demo=button-interval-two');
    try {
      for (const mode of ['rust', 'python']) {
        if (mode === 'python') await python(p, 'blink-two');
        await p.waitForTimeout(300);
        const { scroll, client } = await p.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
        }));
        assert.equal(scroll, client, `${mode}: the page scrolls sideways (${scroll} > ${client} px)`);
        assert.deepEqual(await sticksOut(p), [], `${mode}: elements past the right edge`);
        const hints = await p.$$eval('kbd, .keys, .editor-keys', (els) =>
          els.filter((el) => el.getClientRects().length > 0).map((el) => el.outerHTML.slice(0, 60)),
        );
        assert.deepEqual(hints, [], `${mode}: keyboard hints on a touch screen`);
      }
      assert.deepEqual(p.errors, []);
    } finally {
      await p.context().close();
    }
  });

  test('axe-core finds no WCAG 2 A/AA violation at this size, in both themes', async () => {
    const failures = [];
    for (const colorScheme of ['light', 'dark']) {
      const p = await newPage(env.browser, { ...PHONE, colorScheme });
      try {
        await open(p, env.server.url, '?v=1&demo=button-interval-two');
        await p.waitForTimeout(300);
        let violations = await axe(p);
        if (violations.length) failures.push(`${colorScheme}, a demo:\n${describeViolations(violations)}`);
        await python(p, 'blink-two');
        await p.waitForTimeout(300);
        violations = await axe(p);
        if (violations.length) failures.push(`${colorScheme}, Python mode:\n${describeViolations(violations)}`);
        assert.deepEqual(p.errors, []);
      } finally {
        await p.context().close();
      }
    }
    assert.equal(failures.length, 0, `axe-core found violations:\n${failures.join('\n')}`);
  });

  test('on a desktop the keyboard hints still show', async () => {
    const p = await newPage(env.browser);
    try {
      await open(p, env.server.url, '?v=1&demo=keypad-transitions');
      const shown = await p.$$eval('kbd', (els) => els.filter((el) => el.getClientRects().length > 0).length);
      assert.ok(shown >= 10, `${shown} key hints on a desktop`);
    } finally {
      await p.context().close();
    }
  });
});
