import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import type { AxeResults, ImpactValue } from 'axe-core';

/** axe-core's browser build, read once per worker. */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface SeriousViolation {
  rule: string;
  impact: ImpactValue;
  help: string;
  nodes: Array<{ target: string; html: string; summary: string }>;
}

/**
 * Runs axe-core on what the page shows now and returns its serious and critical violations.
 *
 * The console's CSP (`script-src 'self'`) refuses a `<script>` that a test adds, and it stays as
 * shipped: axe's source is evaluated through the DevTools protocol (`page.evaluate` of a string is
 * `Runtime.evaluate`), which the page's CSP does not govern. `label-content-name-mismatch` (WCAG
 * 2.5.3, an accessible name that does not contain the visible label) is experimental in axe and
 * off by default, so it is switched on: speech-input users say what they see.
 */
export async function seriousViolations(page: Page): Promise<SeriousViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const results = (await page.evaluate(() =>
    (window as unknown as { axe: { run: (context: Document, options: object) => Promise<unknown> } }).axe.run(document, {
      resultTypes: ['violations'],
      rules: { 'label-content-name-mismatch': { enabled: true } },
    }),
  )) as AxeResults;
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      rule: v.id,
      impact: v.impact!,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(' '),
        html: n.html.slice(0, 200),
        summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300),
      })),
    }));
}

/** A readable list of violations for a failed assertion's message. */
export function describeViolations(violations: SeriousViolation[]): string {
  return violations
    .map((v) => `${v.impact} ${v.rule}: ${v.help}\n${v.nodes.map((n) => `  - ${n.target}\n    ${n.html}\n    ${n.summary}`).join('\n')}`)
    .join('\n');
}
