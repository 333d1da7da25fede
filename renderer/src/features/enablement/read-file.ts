import type { CsvDelimiter, CsvEncoding, ImportSummary } from '@shared/models/enablement';
import type { ApiClient } from '../../api/api-client';

/** The files the import takes: CSV as Excel saves it, "Unicode Text" (tab-separated) and plain text. */
export const csvFileTypes = '.csv,.txt,.tsv,text/csv,text/plain';

/** Reads a picked or dropped file as base64, the form the import API takes (works in Electron and the browser alike). */
export async function readFileAsBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

/** Sends a file to main's importer, with the encoding and delimiter detected unless the admin chose them. */
export async function importCsvFile(api: ApiClient, file: File, overrides: { encoding?: CsvEncoding; delimiter?: CsvDelimiter } = {}): Promise<ImportSummary> {
  return api.call('enablement.import', { fileName: file.name, content: await readFileAsBase64(file), ...overrides });
}
