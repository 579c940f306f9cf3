// Accessibility of the playground, checked by axe-core: no WCAG 2 A/AA violation on any demo,
// in the light and the dark theme. Part of `npm test` (after `cargo xtask build-web`).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, newPage, open } from './harness.mjs';
import { axe, describeViolations } from './axe.mjs';

const env = serveAndLaunch();

/** The demo ids, as the page's demo picker lists them. */
async function demoIds() {
  const p = await newPage(env.browser);
  try {
    await open(p, env.server.url);
    return await p.$$eval('select[name="demo"] option', (els) => els.map((e) => e.value));
  } finally {
    await p.context().close();
  }
}

describe('accessibility (axe-core, WCAG 2 A/AA)', () => {
  for (const colorScheme of ['light', 'dark']) {
    test(`every demo has no violations (${colorScheme} theme)`, async () => {
      const demos = await demoIds();
      assert.ok(demos.length >= 10, `only ${demos.length} demos in the picker`);
      const failures = [];
      for (const demo of demos) {
        const p = await newPage(env.browser, { colorScheme });
        try {
          await open(p, env.server.url, `?v=1&demo=${demo}`);
          // Let the console, task table and timeline fill in a little.
          await p.waitForTimeout(300);
          const violations = await axe(p);
          if (violations.length) failures.push(`${demo}:\n${describeViolations(violations)}`);
          assert.deepEqual(p.errors, [], `${demo}: errors in the browser console`);
        } finally {
          await p.context().close();
        }
      }
      assert.equal(failures.length, 0, `axe-core found violations:\n${failures.join('\n')}`);
    });

    test(`every program in Python mode has no violations, nor has an error (${colorScheme} theme)`, async () => {
      const failures = [];
      const p = await newPage(env.browser, { colorScheme });
      try {
        await open(p, env.server.url);
        await p.selectOption('select[name="language"]', 'python');
        const programs = await p.$$eval('select[name="demo"] option', (els) => els.map((e) => e.value));
        assert.equal(programs.length, 10, `Python mode lists ${programs.length} programs`);
        for (const program of programs) {
          await p.selectOption('select[name="demo"]', program);
          await p.waitForSelector('[data-part="editor"] textarea', { timeout: 15_000 });
          await p.waitForFunction(() => !document.querySelector('.clock').textContent.includes('loading'), null, { timeout: 15_000 });
          await p.waitForTimeout(300);
          const violations = await axe(p);
          if (violations.length) failures.push(`python ${program}:\n${describeViolations(violations)}`);
        }
        await p.click('[data-part="editor"] textarea');
        await p.keyboard.press('Control+A');
        await p.keyboard.insertText('print(undefined_name)\n');
        await p.click('[data-part="run"]');
        await p.waitForSelector('[data-part="python-error"]', { timeout: 15_000 });
        const violations = await axe(p);
        if (violations.length) failures.push(`python error:\n${describeViolations(violations)}`);
        assert.deepEqual(p.errors, [], 'errors in the browser console');
      } finally {
        await p.context().close();
      }
      assert.equal(failures.length, 0, `axe-core found violations:\n${failures.join('\n')}`);
    });

    test(`recording, paused, a share link, a bad parameter and a link error have none (${colorScheme} theme)`, async () => {
      const failures = [];
      const check = async (p, what) => {
        const violations = await axe(p);
        if (violations.length) failures.push(`${what}:\n${describeViolations(violations)}`);
      };
      const p = await newPage(env.browser, { colorScheme });
      try {
        await open(p, env.server.url, '?v=1&demo=button-interval');
        await p.getByRole('button', { name: /^Record/ }).click();
        await p.click('[data-part="button"][data-pin="D3"]');
        await p.getByRole('button', { name: /Copy link/ }).click();
        await p.waitForSelector('[data-share-url]');
        await p.keyboard.press('p');
        await check(p, 'recorded, paused, with its link');
        await p.fill('#param-interval', '-1');
        await p.press('#param-interval', 'Enter');
        await p.waitForSelector('.field.invalid .error');
        await check(p, 'a bad parameter');
        await open(p, env.server.url, '?v=1&demo=nope');
        await p.waitForSelector('[data-link-error]');
        await check(p, 'a link error');
        assert.deepEqual(p.errors, [], 'errors in the browser console');
      } finally {
        await p.context().close();
      }
      assert.equal(failures.length, 0, `axe-core found violations:\n${failures.join('\n')}`);
    });
  }
});
