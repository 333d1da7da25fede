import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { CsvFormatError } from '../../electron/services/enablement/csv/csv-format-error';
import { importCsv } from '../../electron/services/enablement/csv/import-csv';
import { importCsvOffThread } from '../../electron/services/enablement/csv/import-csv-off-thread';
import { EnablementService } from '../../electron/services/enablement/enablement-service';
import { ordinaryCsv } from '../fixtures/csv/large-files';

/** The import runs in a worker thread: same result, same refusals, and the main thread keeps running meanwhile. */
describe('importCsvOffThread', () => {
  it('gives what importCsv gives, Big5 and UTF-16 included', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Identity\tNote\r\nalice\t"陳大文\r\nsecond line"\r\n', 'utf16le')]);
    expect(await importCsvOffThread(bytes)).toEqual(await importCsv(bytes));
    const big5 = iconv.encode('UPN;Note\r\nchan@contoso.com.tw;台北語音信箱原則\r\n', 'big5');
    expect(await importCsvOffThread(big5, { encoding: 'big5', delimiter: ';' })).toEqual(await importCsv(big5, { encoding: 'big5', delimiter: ';' }));
    expect((await importCsvOffThread(big5, { encoding: 'big5' })).rows[0]!.cells).toEqual(['chan@contoso.com.tw', '台北語音信箱原則']);
  });

  it('rejects with the CsvFormatError importCsv throws, line included', async () => {
    const bytes = Buffer.from('Identity,Note\r\nalice,ok\r\nbob,"never closed\r\n');
    const error = await importCsvOffThread(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvFormatError);
    expect(error).toMatchObject({ line: 3, message: expect.stringMatching(/^Line 3: a quoted value starts here/) });
  });

  it('refuses, and survives, a file that outgrows the worker heap', async () => {
    const error = await importCsvOffThread(ordinaryCsv(100_000), {}, 16).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvFormatError);
    expect((error as Error).message).toBe('The file needs more than the 16 MB of memory the import may use, so it was not read. Split it into smaller files.');
    expect((await importCsvOffThread(Buffer.from('UPN\nalice\n'))).rows).toEqual([{ line: 2, cells: ['alice'] }]);
  });

  it('keeps the main thread running while the service imports 100,000 rows', async () => {
    const service = new EnablementService({ dataDir: '/nonexistent', logger: console } as unknown as ConstructorParameters<typeof EnablementService>[0]);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const summary = await service.import({ fileName: 'big.csv', content: ordinaryCsv(100_000).toString('base64') });
    clearInterval(timer);
    expect(summary.rowCount).toBe(100_000);
    // Parsed on the main thread, not one timer could run until the import returned.
    expect(ticks).toBeGreaterThan(10);
  }, 60_000);
});
