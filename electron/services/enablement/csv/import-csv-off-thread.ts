/**
 * Runs the CSV import (import-csv.ts) in a worker thread, so the main process — which serves the
 * window, the web host's sockets and every other request — stays responsive while a large file is
 * decoded and parsed, and so a file that somehow outgrew the limits of csv-limits.ts takes down
 * only the worker (whose heap is capped), not the app.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CsvFormatError } from './csv-format-error';
import type { CsvWorkerInput, CsvWorkerReply } from './csv-import-worker';
import { workerHeapMb } from './csv-limits';
import type { CsvImport, ImportCsvOptions } from './import-csv';

/**
 * The worker's script. From source (vitest, tsx) this is the .ts file, run through tsx's loader;
 * in the build, electron.vite.config.ts bundles it as its own entry and rewrites this URL to point
 * at out/main/csv-import-worker.js, which electron-builder packs with the rest of out/.
 */
const workerScript = new URL('./csv-import-worker.ts', import.meta.url);

function workerOptions(): { execArgv?: string[] } {
  if (!workerScript.pathname.endsWith('.ts')) return {};
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { execArgv: ['--import', tsx] };
}

/**
 * Imports `bytes` in a fresh worker thread and resolves with the same CsvImport `importCsv` gives,
 * or rejects with its CsvFormatError. The bytes are copied once and the copy moved to the worker.
 * `heapMb` caps the worker's heap (csv-limits.ts `workerHeapMb`; smaller only in tests).
 */
export function importCsvOffThread(bytes: Uint8Array, options: ImportCsvOptions = {}, heapMb = workerHeapMb): Promise<CsvImport> {
  const copy = new Uint8Array(bytes);
  const input: CsvWorkerInput = { bytes: copy, options };
  return new Promise<CsvImport>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    const worker = new Worker(workerScript, {
      ...workerOptions(),
      workerData: input,
      transferList: [copy.buffer],
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
    });
    worker.once('message', (reply: CsvWorkerReply) =>
      settle(() => {
        if (reply.kind === 'imported') resolve(reply.csv);
        else if (reply.kind === 'refused') reject(new CsvFormatError(reply.message, reply.line));
        else reject(Object.assign(new Error(`The CSV reader failed: ${reply.message}`), { stack: reply.stack }));
      }),
    );
    worker.once('error', (error: Error & { code?: string }) =>
      settle(() => {
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          reject(
            new CsvFormatError(`The file needs more than the ${heapMb} MB of memory the import may use, so it was not read. Split it into smaller files.`),
          );
        } else {
          reject(error);
        }
      }),
    );
    worker.once('exit', (code) => settle(() => reject(new Error(`The CSV reader stopped (exit code ${code}) without an answer.`))));
  });
}
