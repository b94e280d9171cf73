/**
 * axe-core in the page under test: the WCAG 2.1 A and AA rules, run on whatever the page
 * shows at that moment (a screen, a toast, a banner).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/**
 * Runs axe on the page once its finite animations have ended (a toast fading in would be
 * measured at half opacity: a contrast failure nobody sees); returns the violations as
 * `rule: targets` lines.
 */
export async function axeViolations(target: Page): Promise<string[]> {
  if (!(await target.evaluate(() => 'axe' in window)))
    await target.addScriptTag({ content: axeSource });
  await target.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
  return target.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            o: unknown,
          ) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map(
      (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  });
}
