import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { hostileKinds } from '../fixtures/csv/large-files';
import type { ChildImportResult } from '../fixtures/csv/import-in-child';
import { printResult, round } from './bench-support';

/**
 * CSV import (issue 12 item 6): the three 30 MB hostile files and an ordinary 100,000-row export,
 * each imported through the enablement service (worker thread included), against a baseline
 * measured in the same run: a plain read of the same bytes (decode, split into lines and cells),
 * and the same import run on the main thread (what the worker keeps the event loop free of).
 * Every measurement runs in a process of its own so its peak memory is its own. Reported: time,
 * peak RSS of the process (main thread and worker), the longest the main thread's event loop was
 * held up, and the outcome. Needs no lab. From source, the worker also loads tsx, a fixed cost
 * reported as `tinyImportSeconds`.
 */
const child = join(import.meta.dirname, '../fixtures/csv/import-in-child.ts');
const files = [...hostileKinds, `rows:${Number(process.env.BENCH_ROWS ?? 100_000)}`];

function measure(file: string, mode: ChildImportResult['mode']): ChildImportResult {
  const run = spawnSync(process.execPath, ['--import', 'tsx', child, file, mode], { encoding: 'utf8', timeout: 600_000 });
  if (run.status !== 0) throw new Error(`${file} ${mode}: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as ChildImportResult;
}

const summary = (r: ChildImportResult) => ({
  outcome: 'refused' in r.outcome ? `refused: ${r.outcome.refused.message}` : r.outcome.imported,
  seconds: round(r.seconds),
  peakRssMb: r.peakRssMb,
  mainThreadStallMs: r.mainThreadStallMs,
  ...(r.tinyImportSeconds !== undefined ? { tinyImportSeconds: round(r.tinyImportSeconds) } : {}),
});

const results = files.map((file) => {
  const plain = measure(file, 'plain-read');
  const service = measure(file, 'service');
  const inThread = measure(file, 'in-thread');
  return {
    file,
    megabytes: round(service.bytes / 2 ** 20, 1),
    service: summary(service),
    sameParserOnMainThread: summary(inThread),
    plainRead: summary(plain),
    timeVsPlainRead: round(service.seconds / plain.seconds, 1),
  };
});

printResult({
  benchmark: 'csv-import: hostile 30 MB files and 100,000 ordinary rows through the enablement service, vs a plain read of the same bytes',
  results,
  note: 'Peak RSS includes the generated file, its base64 form and the decoded copy the service makes (about 3.3x the file size). The plain read holds the whole text and every line at once; the service refuses a hostile file within its first megabyte or so.',
});
