// axe-core on a page of the playground: WCAG 2 A/AA violations, described one per line.
// Shared by accessibility.test.mjs (every demo, both themes) and phone.test.mjs (390 px).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa'];

/** Runs axe-core on the whole page; resolves to its violations. */
export async function axe(page) {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(
    (values) =>
      window.axe
        .run(document, { runOnly: { type: 'tag', values }, resultTypes: ['violations'] })
        .then((r) => r.violations.map(({ id, impact, help, nodes }) => ({ id, impact, help, nodes: nodes.map((n) => n.target.join(' ')) }))),
    TAGS,
  );
}

/** One line per violation: id, impact, node count and the first few target selectors. */
export function describeViolations(violations) {
  return violations
    .map((v) => {
      const more = v.nodes.length > 3 ? `, … (${v.nodes.length - 3} more)` : '';
      return `  ${v.id} [${v.impact}] on ${v.nodes.length} element(s) — ${v.help}: ${v.nodes.slice(0, 3).join(', ')}${more}`;
    })
    .join('\n');
}
