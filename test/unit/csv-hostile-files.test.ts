import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChildImportResult } from '../fixtures/csv/import-in-child';
import type { HostileKind } from '../fixtures/csv/large-files';

/**
 * Issue 12, item 6: a 30 MB hostile file is refused, with an error that names the limit and the
 * line, without the import holding the file's worth of rows in memory. Each file is generated and
 * imported through the enablement service (worker thread included) in a process of its own, so
 * its peak memory can be read; the time is reported by `npm run bench -- csv-import`, not asserted.
 */
const child = join(import.meta.dirname, '../fixtures/csv/import-in-child.ts');

function importInChild(kind: HostileKind): ChildImportResult {
  const run = spawnSync(process.execPath, ['--import', 'tsx', child, kind], { encoding: 'utf8', timeout: 120_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as ChildImportResult;
}

const cases: Array<[HostileKind, number, string]> = [
  ['giant-cell', 2, 'Line 2: the row is longer than 1,000,000 characters, the most one row may have (reading stopped in column 2).'],
  ['line-of-commas', 1, 'Line 1: the row has more than 1,000 columns, the most a file may have.'],
  ['million-column-header', 1, 'Line 1: the row has more than 1,000 columns, the most a file may have.'],
];

describe('30 MB hostile files', () => {
  it.each(cases)(
    '%s is refused with the limit and the line named, in well under 600 MB',
    (kind, line, text) => {
      const result = importInChild(kind);
      expect(result.bytes).toBeGreaterThanOrEqual(30 * 1024 * 1024);
      expect(result.outcome).toEqual({ refused: { code: 'CSV_INVALID', message: expect.stringContaining(`${kind}.csv: ${text}`), line } });
      expect(result.peakRssMb).toBeLessThan(600);
    },
    180_000,
  );
});
