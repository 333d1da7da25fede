import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm run bench [-- name …]`: runs the benchmarks (all, or those whose file name contains a given
 * word), each in its own process, and prints their JSON. Benchmarks are never part of `npm test`.
 */
const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)));
let failed = false;
for (const file of files) {
  process.stderr.write(`[bench] ${file}\n`);
  // --expose-gc only makes global.gc callable (a benchmark measures what stays live after a full collection); it changes no GC setting.
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(dir, file)], { stdio: 'inherit' });
  failed ||= result.status !== 0;
}
process.exitCode = failed ? 1 : 0;
