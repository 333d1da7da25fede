/**
 * The worker thread that reads one uploaded CSV: import-csv-off-thread.ts starts it with the file's
 * bytes and gets back the import or the reason it was refused, so decoding and parsing a large (or
 * hostile) file never holds up the main process. Built as its own entry (out/main/csv-import-worker.js,
 * see electron.vite.config.ts); run from source under vitest and tsx.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CsvFormatError } from './csv-format-error';
import { importCsv, type CsvImport, type ImportCsvOptions } from './import-csv';

export interface CsvWorkerInput {
  bytes: Uint8Array;
  options: ImportCsvOptions;
}

export type CsvWorkerReply =
  { kind: 'imported'; csv: CsvImport } | { kind: 'refused'; message: string; line?: number } | { kind: 'failed'; message: string; stack?: string };

async function reply(input: CsvWorkerInput): Promise<CsvWorkerReply> {
  try {
    return { kind: 'imported', csv: await importCsv(input.bytes, input.options) };
  } catch (error) {
    if (error instanceof CsvFormatError) return { kind: 'refused', message: error.message, ...(error.line !== undefined ? { line: error.line } : {}) };
    const { message, stack } = error instanceof Error ? error : new Error(String(error));
    return { kind: 'failed', message, ...(stack ? { stack } : {}) };
  }
}

parentPort?.postMessage(await reply(workerData as CsvWorkerInput));
