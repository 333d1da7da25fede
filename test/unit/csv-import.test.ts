import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { enablementFields, fieldAliases, normalizeHeaderName, suggestColumnMapping } from '../../electron/services/enablement/csv/column-mapping';
import { CsvFormatError } from '../../electron/services/enablement/csv/csv-format-error';
import { csvEncodings, decodeCsvBytes, type CsvEncoding } from '../../electron/services/enablement/csv/decode-bytes';
import { detectDelimiter } from '../../electron/services/enablement/csv/detect-delimiter';
import { importCsv } from '../../electron/services/enablement/csv/import-csv';
import { enablementCsvTemplate } from '../../shared/enablement/csv-template';
import { enablementFieldSchema } from '../../shared/models/enablement';
import { guessBig5OrWindows1252, measureBig5Evidence } from '../../electron/services/enablement/csv/legacy-encoding-guess';
import { csvLimits } from '../../electron/services/enablement/csv/csv-limits';
import { parseCsv, type CsvDelimiter } from '../../electron/services/enablement/csv/parse-csv';
import { readCsvRecords, type CsvRecord } from '../../electron/services/enablement/csv/read-csv-records';
import { describeBinarySignature } from '../../electron/services/enablement/csv/sniff-file-type';
import { allUsers, buildCsvFixtures, chineseUsers, csvHeader, fixtureDir, randomBytes, toCsv, type TextFixture } from '../fixtures/csv/make-fixtures';

const fixtures = buildCsvFixtures();
const textFixtures = Object.entries(fixtures).filter((entry): entry is [string, TextFixture] => entry[1].kind === 'text');
const notCsvFixtures = Object.entries(fixtures).filter(([, f]) => f.kind === 'not-csv');

const readFixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(fixtureDir, name)));
const utf8 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'utf8'));
const encode = (s: string, encoding: CsvEncoding): Uint8Array => Uint8Array.from(iconv.encode(s, encoding, { addBOM: false }));

/** Runs `fn`, expects a CsvFormatError and returns it. */
async function formatError(fn: () => unknown): Promise<CsvFormatError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CsvFormatError);
    return error as CsvFormatError;
  }
  throw new Error('expected a CsvFormatError, but nothing was thrown');
}

describe('CSV fixtures', () => {
  it.each(Object.keys(fixtures))('%s on disk is what make-fixtures.ts builds', (name) => {
    expect(Buffer.from(readFixture(name)).equals(Buffer.from(fixtures[name]!.bytes))).toBe(true);
  });
});

describe('decodeCsvBytes: encodings', () => {
  const expectedDetection: Record<string, string> = {
    'utf8-bom-comma.csv': 'bom',
    'utf8-lf-semicolon.csv': 'valid-utf8',
    'utf16le-bom-tab.txt': 'bom',
    'utf16le-nobom-tab.txt': 'utf16-nul-pattern',
    'utf16be-bom-comma.csv': 'bom',
    'big5-comma.csv': 'heuristic',
    'windows-1252-semicolon.csv': 'heuristic',
    'windows-1252-comma.csv': 'heuristic',
  };

  it('covers every supported encoding with a fixture', () => {
    expect(new Set(textFixtures.map(([, f]) => f.encoding))).toEqual(new Set(csvEncodings));
  });

  it.each(textFixtures)('%s decodes to exactly the text it was made from', (name, fixture) => {
    const decoded = decodeCsvBytes(readFixture(name));
    expect(decoded).toEqual({
      text: fixture.text,
      encoding: fixture.encoding,
      bom: fixture.bom,
      detection: expectedDetection[name],
      replacementCharacters: 0,
    });
  });

  it.each(textFixtures)('%s imports to the rows it was made from', async (name, fixture) => {
    const result = await importCsv(readFixture(name));
    expect(result.delimiter).toBe(fixture.delimiter);
    expect(result.header).toEqual(csvHeader);
    expect(result.rows.map((r) => r.cells)).toEqual(fixture.rows);
    expect(result.rows.map((r) => r.line)).toEqual(fixture.rows.map((_, i) => i + 2));
    expect(result.problems).toEqual([]);
    expect(result.columns.mapping).toEqual({ Identity: 0, Extensions: 1, UMMailboxPolicy: 2, PIN: 3 });
    expect(result.columns.unmapped).toEqual([4]);
  });

  it('keeps Chinese and accented display names intact', async () => {
    const big5 = await importCsv(readFixture('big5-comma.csv'));
    expect(big5.rows.map((r) => r.cells[4])).toEqual(['陳大文', '林美玲', '張志明（業務部）']);
    expect(big5.rows[0]!.cells[2]).toBe('台北語音信箱原則');
    const western = await importCsv(readFixture('windows-1252-semicolon.csv'));
    expect(western.rows.map((r) => r.cells[4])).toEqual(['Müller, Hans', 'Zoë Dupré', 'José Núñez']);
    expect(western.rows[1]!.cells[2]).toBe('Sales € Policy');
  });

  it('reads Excel "Unicode Text": UTF-16 LE, BOM FF FE, tab-separated, CRLF, commas unquoted', async () => {
    const bytes = readFixture('utf16le-bom-tab.txt');
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(Buffer.from(bytes).includes(Buffer.from([0x0d, 0x00, 0x0a, 0x00]))).toBe(true);
    expect(Buffer.from(bytes).includes(Buffer.from('"', 'utf16le'))).toBe(false);
    const result = await importCsv(bytes);
    expect(result).toMatchObject({ encoding: 'utf-16le', bom: true, detection: 'bom', delimiter: '\t', replacementCharacters: 0 });
    expect(result.rows[0]!.cells).toEqual(['mueller@contoso.com', '3101', 'Default Policy', '123456', 'Müller, Hans']);
    expect(result.rows[3]!.cells[4]).toBe('陳大文');
  });

  it('detects UTF-16 BE without BOM by its NUL pattern', () => {
    const text = toCsv([csvHeader, ...allUsers], ',', '\r\n');
    expect(decodeCsvBytes(encode(text, 'utf-16be'))).toMatchObject({ text, encoding: 'utf-16be', bom: false, detection: 'utf16-nul-pattern' });
  });

  it('detects UTF-16 LE without BOM even when the names are mostly Chinese', () => {
    const text = toCsv([['Identity', 'DisplayName'], ...chineseUsers.map((u) => [u[0]!, u[4]!.repeat(5)])], '\t', '\r\n');
    expect(decodeCsvBytes(encode(text, 'utf-16le'))).toMatchObject({ text, encoding: 'utf-16le', detection: 'utf16-nul-pattern' });
  });

  it('treats pure ASCII as UTF-8 and strips a UTF-8 BOM', () => {
    expect(decodeCsvBytes(utf8('Identity\r\nalice\r\n'))).toEqual({
      text: 'Identity\r\nalice\r\n',
      encoding: 'utf-8',
      bom: false,
      detection: 'valid-utf8',
      replacementCharacters: 0,
    });
    expect(decodeCsvBytes(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41]))).toMatchObject({ text: 'A', bom: true, detection: 'bom' });
  });

  it('round-trips any printable text through UTF-8, UTF-16 LE and UTF-16 BE, with and without BOM', () => {
    const printable = fc.string({ unit: fc.constantFrom(...'abcXYZ019,;\t"\r\n @.-_éüß€陳大文林美玲😀'), minLength: 1, maxLength: 80 });
    fc.assert(
      fc.property(printable, fc.constantFrom<CsvEncoding>('utf-8', 'utf-16le', 'utf-16be'), fc.boolean(), (text, encoding, bom) => {
        const body = iconv.encode(`Identity,Name\r\n${text}`, encoding, { addBOM: false });
        const bomBytes = !bom ? [] : encoding === 'utf-8' ? [0xef, 0xbb, 0xbf] : encoding === 'utf-16le' ? [0xff, 0xfe] : [0xfe, 0xff];
        const decoded = decodeCsvBytes(Uint8Array.from([...bomBytes, ...body]));
        expect(decoded.text).toBe(`Identity,Name\r\n${text}`);
        expect(decoded.encoding).toBe(encoding);
        expect(decoded.replacementCharacters).toBe(0);
      }),
    );
  });
});

describe('decodeCsvBytes: Big5 vs Windows-1252 heuristic', () => {
  const line = (name: string) => `Identity,DisplayName\r\nuser@contoso.com,${name}\r\n`;

  it.each(['Müller', 'Zoë', '€ 100', 'François', 'José', 'Ångström', 'Björn Åberg', 'Señor Núñez', 'Renée', 'Größe', 'Œuvre «test»'])(
    'reads the Western name %s as Windows-1252',
    (name) => {
      const decoded = decodeCsvBytes(encode(line(name), 'windows-1252'));
      expect(decoded).toMatchObject({ encoding: 'windows-1252', detection: 'heuristic', text: line(name), replacementCharacters: 0 });
    },
  );

  it.each(['陳大文', '林美玲', '王小明', '測試用戶', '張志明（業務部）', '黃建國，李淑芬'])('reads the Chinese name %s as Big5', (name) => {
    const decoded = decodeCsvBytes(encode(line(name), 'big5'));
    expect(decoded).toMatchObject({ encoding: 'big5', detection: 'heuristic', text: line(name), replacementCharacters: 0 });
  });

  it('explains its choice through the Big5 evidence it counts', () => {
    expect(measureBig5Evidence(encode('陳大文', 'big5'))).toEqual({ highBytes: 5, pairs: 3, strongPairs: 2, frequentPairs: 3, invalid: 0 });
    // ü + 'l' is a valid Big5 pair by shape, ë before a line break is not.
    expect(measureBig5Evidence(encode('Müller,Zoë\r\n', 'windows-1252'))).toEqual({ highBytes: 2, pairs: 1, strongPairs: 0, frequentPairs: 0, invalid: 1 });
    expect(guessBig5OrWindows1252(utf8('plain ascii'))).toBe('windows-1252');
  });

  it('documents its known blind spot: a lone Chinese character with a low trail byte reads as Windows-1252', () => {
    // 大 is A4 6A: indistinguishable from "¤j". The admin can force Big5.
    expect(decodeCsvBytes(encode(line('大'), 'big5')).encoding).toBe('windows-1252');
    expect(decodeCsvBytes(encode(line('大'), 'big5'), 'big5').text).toBe(line('大'));
  });

  it('reads a mixed Big5 file with many ASCII rows and a few Chinese names as Big5', () => {
    const rows = Array.from({ length: 200 }, (_, i) => [`user${i}@contoso.com.tw`, String(5000 + i), i % 50 === 0 ? '陳大文' : 'Default']);
    const text = toCsv([['Identity', 'Extension', 'DisplayName'], ...rows], ',', '\r\n');
    expect(decodeCsvBytes(encode(text, 'big5'))).toMatchObject({ encoding: 'big5', text });
  });
});

describe('decodeCsvBytes: forced encodings', () => {
  it('uses a forced encoding, strips its BOM and reports detection "forced"', () => {
    const fixture = fixtures['utf8-bom-comma.csv'] as TextFixture;
    expect(decodeCsvBytes(fixture.bytes, 'utf-8')).toEqual({ text: fixture.text, encoding: 'utf-8', bom: true, detection: 'forced', replacementCharacters: 0 });
    const big5 = fixtures['big5-comma.csv'] as TextFixture;
    expect(decodeCsvBytes(big5.bytes, 'big5')).toMatchObject({ text: big5.text, bom: false, detection: 'forced', replacementCharacters: 0 });
  });

  it('counts replacement characters when a forced encoding does not fit', () => {
    const bytes = readFixture('windows-1252-semicolon.csv');
    const expected = [...new TextDecoder('utf-8').decode(bytes)].filter((ch) => ch === '\ufffd').length;
    expect(expected).toBeGreaterThan(0);
    const decoded = decodeCsvBytes(bytes, 'utf-8');
    expect(decoded).toMatchObject({ encoding: 'utf-8', detection: 'forced', replacementCharacters: expected });
    expect(decoded.text).toContain('M\ufffdller');

    expect(decodeCsvBytes(bytes, 'big5').replacementCharacters).toBeGreaterThan(0);
    // Bytes Windows-1252 leaves undefined.
    expect(decodeCsvBytes(Uint8Array.from([0x41, 0x2c, 0x81, 0x8d, 0x0d, 0x0a]), 'windows-1252').replacementCharacters).toBe(2);
  });

  it('counts a dangling odd byte and lone surrogates in UTF-16 as replacement characters', () => {
    const odd = Uint8Array.from([0xff, 0xfe, 0x41, 0x00, 0x2c, 0x00, 0x42]);
    expect(decodeCsvBytes(odd)).toMatchObject({ text: 'A,\ufffd', replacementCharacters: 1 });
    const lone = Uint8Array.from([0xff, 0xfe, 0x41, 0x00, 0x00, 0xd8, 0x42, 0x00]);
    expect(decodeCsvBytes(lone)).toMatchObject({ text: 'A\ufffdB', replacementCharacters: 1 });
  });

  it('refuses a forced 8-bit encoding on UTF-16 text and says why', async () => {
    const error = await formatError(() => decodeCsvBytes(readFixture('utf16le-bom-tab.txt'), 'windows-1252'));
    expect(error.message).toContain('UTF-16');
  });

  it('rejects an encoding it does not support', async () => {
    expect((await formatError(() => decodeCsvBytes(utf8('a'), 'shift_jis' as CsvEncoding))).message).toContain('Unsupported encoding');
  });
});

describe('not CSV at all', () => {
  it.each(notCsvFixtures)('%s is refused with a clear message', async (name, fixture) => {
    const bytes = readFixture(name);
    const error = await formatError(() => importCsv(bytes));
    expect(error.message).toContain(fixture.kind === 'not-csv' ? fixture.message : '');
  });

  it('tells the admin to save an .xlsx as CSV', async () => {
    expect((await formatError(() => importCsv(readFixture('workbook.xlsx')))).message).toBe(
      'This looks like an Excel workbook (.xlsx). Save it as "CSV UTF-8 (Comma delimited)" or "Unicode Text" first.',
    );
  });

  it('refuses the signature even when an encoding is forced', async () => {
    for (const encoding of csvEncodings) {
      expect((await formatError(() => importCsv(readFixture('document.pdf'), { encoding }))).message).toContain('PDF');
    }
  });

  it('recognises the signatures it knows', () => {
    const sigs: Array<[number[], string]> = [
      [[0x25, 0x50, 0x44, 0x46, 0x2d], 'PDF'],
      [[0x50, 0x4b, 0x03, 0x04], 'ZIP'],
      [[0x50, 0x4b, 0x05, 0x06], 'ZIP'],
      [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG'],
      [[0xff, 0xd8, 0xff, 0xdb], 'JPEG'],
      [[0x1f, 0x8b, 0x08], 'GZIP'],
      [[0x47, 0x49, 0x46, 0x38, 0x39, 0x61], 'GIF'],
      [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], '7-Zip'],
      [[0xff, 0xfe, 0x00, 0x00, 0x41, 0, 0, 0], 'UTF-32'],
    ];
    for (const [bytes, word] of sigs) expect(describeBinarySignature(Uint8Array.from(bytes))).toContain(word);
    expect(describeBinarySignature(utf8('Identity,Extensions'))).toBeUndefined();
    expect(describeBinarySignature(Uint8Array.from([0xff, 0xfe, 0x41, 0x00]))).toBeUndefined();
  });

  it('refuses NUL-heavy binary that has no known signature', async () => {
    const bytes = utf8('Identity,Extensions\r\nalice,1\r\n');
    const withNuls = Uint8Array.from([...bytes, 0, 0, 0, 1, 2, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect((await formatError(() => importCsv(withNuls))).message).toContain('binary data');
  });

  it('refuses any random bytes without crashing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 0x7fffffff }), fc.integer({ min: 256, max: 2048 }), async (seed, length) => {
        const bytes = randomBytes(length, seed);
        await expect(importCsv(bytes)).rejects.toThrow(CsvFormatError);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws anything but CsvFormatError, whatever the bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.option(fc.constantFrom(...csvEncodings), { nil: undefined }), async (bytes, encoding) => {
        try {
          await importCsv(bytes, encoding ? { encoding } : {});
        } catch (error) {
          expect(error).toBeInstanceOf(CsvFormatError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses empty and whitespace-only files, and a header without rows', async () => {
    expect((await formatError(() => importCsv(new Uint8Array()))).message).toContain('empty');
    expect((await formatError(() => importCsv(utf8(' \r\n\r\n,,,\r\n')))).message).toContain('empty');
    expect((await formatError(() => importCsv(utf8('Identity;Extensions\n\n;\n')))).message).toBe('The file has a header row but no data rows.');
  });

  it('refuses one column whose header is unknown, but not one known column or several unknown ones', async () => {
    expect((await formatError(() => importCsv(utf8('Name\r\nAlice\r\n')))).message).toContain('Only one column');
    expect((await importCsv(utf8('UPN\r\nalice@contoso.com\r\n'))).columns.mapping).toEqual({ Identity: 0 });
    const manual = await importCsv(utf8('Mitarbeiter;Durchwahl\r\nalice;3101\r\n'));
    expect(manual.columns).toEqual({ mapping: {}, unmapped: [0, 1], ambiguous: [] });
  });
});

describe('parseCsv: delimiters', () => {
  const cases: Array<[CsvDelimiter, string]> = [
    [',', 'Identity,Extensions,PIN\r\nalice,3101,1234\r\nbob,3102,5678\r\n'],
    [';', 'Identity;Extensions;PIN\r\nalice;3101;1234\r\nbob;3102;5678\r\n'],
    ['\t', 'Identity\tExtensions\tPIN\r\nalice\t3101\t1234\r\nbob\t3102\t5678\r\n'],
  ];

  it.each(cases)('detects %j', async (delimiter, text) => {
    const parsed = await parseCsv(text);
    expect(parsed.delimiter).toBe(delimiter);
    expect(parsed.header).toEqual(['Identity', 'Extensions', 'PIN']);
    expect(parsed.rows).toEqual([
      { line: 2, cells: ['alice', '3101', '1234'] },
      { line: 3, cells: ['bob', '3102', '5678'] },
    ]);
  });

  it('ignores delimiters inside quotes when detecting', async () => {
    expect(await detectDelimiter('"Identity;Name";Extensions\n"a;b;c";1\n')).toBe(';');
    expect(await detectDelimiter('"Name; Given";"Name, Family",Ext\n"x;y;z";"a,b",1\n')).toBe(',');
    expect(await detectDelimiter('Identity;Display Name\nalice;"Smith, Alice, Dr."\n')).toBe(';');
  });

  it('prefers the delimiter whose column count holds over the first lines', async () => {
    // Both split the header in two; only ';' keeps two cells per row (the commas are decimals).
    expect(await detectDelimiter('Identity;Quota,GB\nalice;1,5\nbob;2,25,1\ncarol;3,5\n')).toBe(';');
    // Commas inside unquoted values of a tab-separated file (Excel "Unicode Text").
    expect(await detectDelimiter('Identity\tDisplayName\nalice\tSmith, Alice\n')).toBe('\t');
  });

  it('lets the admin override the delimiter', async () => {
    const parsed = await parseCsv('Identity,Name;Ext\nalice,A;1\n', { delimiter: ';' });
    expect(parsed.delimiter).toBe(';');
    expect(parsed.header).toEqual(['Identity,Name', 'Ext']);
  });

  it('honours and skips an Excel "sep=" first line', async () => {
    const parsed = await parseCsv('sep=;\r\nIdentity;Ext\r\nalice, a;1\r\n');
    expect(parsed).toEqual({ delimiter: ';', header: ['Identity', 'Ext'], rows: [{ line: 3, cells: ['alice, a', '1'] }], problems: [] });
    expect((await formatError(() => parseCsv('sep=|\nIdentity|Ext\n'))).message).toContain('sep=|');
  });

  it('reports "," for a single-column file', async () => {
    expect((await parseCsv('Identity\nalice\n')).delimiter).toBe(',');
  });
});

describe('parseCsv: RFC 4180 and Excel', () => {
  it('reads quoted cells, doubled quotes and delimiters inside quotes', async () => {
    const parsed = await parseCsv('Identity,Note\r\n"alice","say ""hi"", then go"\r\nbob,""\r\n');
    expect(parsed.rows.map((r) => r.cells)).toEqual([
      ['alice', 'say "hi", then go'],
      ['bob', ''],
    ]);
  });

  it('keeps LF and CRLF inside quoted cells and numbers lines physically', async () => {
    const parsed = await parseCsv('Identity,Note\r\nalice,"line 1\nline 2"\r\nbob,"a\r\nb\r\nc"\r\ncarol,x\r\n');
    expect(parsed.rows).toEqual([
      { line: 2, cells: ['alice', 'line 1\nline 2'] },
      { line: 4, cells: ['bob', 'a\r\nb\r\nc'] },
      { line: 7, cells: ['carol', 'x'] },
    ]);
  });

  it('accepts CRLF, LF and lone CR line ends, with or without a final line end', async () => {
    for (const eol of ['\r\n', '\n', '\r']) {
      for (const final of ['', eol]) {
        const parsed = await parseCsv(['Identity,Ext', 'alice,1', 'bob,2'].join(eol) + final);
        expect(parsed.rows).toEqual([
          { line: 2, cells: ['alice', '1'] },
          { line: 3, cells: ['bob', '2'] },
        ]);
      }
    }
  });

  it('ignores blank lines, whitespace-only lines and lines of only delimiters, keeping line numbers', async () => {
    const parsed = await parseCsv('\r\n\r\nIdentity,Ext,PIN\r\n\r\nalice,1,2\r\n   \r\n,,\r\n"","",""\r\n, ,\r\nbob,3,4\r\n\r\n');
    expect(parsed.rows).toEqual([
      { line: 5, cells: ['alice', '1', '2'] },
      { line: 10, cells: ['bob', '3', '4'] },
    ]);
    expect(parsed.problems).toEqual([]);
  });

  it('trims spaces around unquoted cells but keeps quoted cells exactly', async () => {
    const parsed = await parseCsv('Identity , Ext\n  alice  ,  1 \n  " bob " , "  2"  \n\u00a0carol\u00a0,3\n');
    expect(parsed.header).toEqual(['Identity', 'Ext']);
    expect(parsed.rows.map((r) => r.cells)).toEqual([
      ['alice', '1'],
      [' bob ', '  2'],
      ['\u00a0carol\u00a0', '3'],
    ]);
  });

  it('keeps a quote in the middle of an unquoted cell as an ordinary character', async () => {
    expect((await parseCsv('Identity,Note\nalice,5" floppy\n')).rows[0]!.cells).toEqual(['alice', '5" floppy']);
  });

  it('skips a BOM left in the text', async () => {
    expect((await parseCsv('\ufeffIdentity,Ext\nalice,1\n')).header).toEqual(['Identity', 'Ext']);
  });

  it('reports ragged rows as problems with their line, without padding or cutting them', async () => {
    const parsed = await parseCsv('Identity,Ext,PIN\nalice,1,2\nbob,3\ncarol,4,5,6\ndave,"7\n8",9,10\nerin,11,12\n');
    expect(parsed.rows).toEqual([
      { line: 2, cells: ['alice', '1', '2'] },
      { line: 7, cells: ['erin', '11', '12'] },
    ]);
    expect(parsed.problems.map((p) => p.line)).toEqual([3, 4, 5]);
    expect(parsed.problems[0]!.message).toContain('2 values but the header has 3 columns');
    expect(parsed.problems[1]!.message).toContain('4 values but the header has 3 columns');
    expect(parsed.problems[1]!.message).toContain('comma');
  });

  it('reports text after a closing quote as a problem of that row', async () => {
    const parsed = await parseCsv('Identity,Note\nalice,"abc"def\nbob,ok\n');
    expect(parsed.rows).toEqual([{ line: 3, cells: ['bob', 'ok'] }]);
    expect(parsed.problems).toEqual([{ line: 2, message: expect.stringContaining('after the closing quote') }]);
    expect((await formatError(() => parseCsv('"Identity"x,Note\nalice,1\n'))).line).toBe(1);
  });

  it('names the line where an unterminated quoted cell starts', async () => {
    const error = await formatError(() => parseCsv('Identity,Note\r\nalice,ok\r\nbob,"never closed\r\ncarol,x\r\ndave,y\r\n'));
    expect(error.line).toBe(3);
    expect(error.message).toContain('Line 3');
    expect(error.message).toContain('closing quote');
    expect((await formatError(() => parseCsv('Identity,Note\nalice,"a\nb\n"c""\ndave,"oops\n'))).line).toBe(5);
  });

  it('refuses an empty text and a header without rows', async () => {
    expect((await formatError(() => parseCsv(''))).message).toContain('empty');
    expect((await formatError(() => parseCsv('Identity,Ext\r\n'))).message).toContain('no data rows');
  });

  it('round-trips any cells written the way Excel writes them', async () => {
    const cell = fc.string({ unit: fc.constantFrom(...'ab Z9,;\t"\r\n=+-@$()\'陳ü€'), maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<CsvDelimiter>(',', ';', '\t'),
        fc.integer({ min: 2, max: 5 }).chain((n) => fc.array(fc.array(cell, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 8 })),
        fc.constantFrom('\r\n', '\n'),
        async (delimiter, rows, eol) => {
          const width = rows[0]!.length;
          const header = Array.from({ length: width }, (_, i) => `Col${i}`);
          // Quote what Excel quotes, plus cells with surrounding blanks (unquoted ones are trimmed).
          const quote = (c: string) => (/^[ \t]|[ \t]$|["\r\n,;\t]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
          const text = [header, ...rows].map((r) => r.map(quote).join(delimiter)).join(eol) + eol;
          const expected = rows.filter((r) => r.some((c) => c !== ''));
          // Only blank rows: blank lines are ignored, so this is a header-only file, which is refused.
          if (expected.length === 0) {
            await expect(parseCsv(text, { delimiter })).rejects.toThrow(CsvFormatError);
            return;
          }
          const parsed = await parseCsv(text, { delimiter });
          expect(parsed.rows.map((r) => r.cells)).toEqual(expected);
          expect(parsed.problems).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('hostile values survive exactly', () => {
  const hostile = [
    '$(whoami)',
    "'; DROP TABLE users; --",
    '"quoted, with comma"',
    'two\nlines',
    'crlf\r\nlines',
    "=cmd|' /C calc'!A0",
    '+1',
    '-1',
    '@SUM(1)',
    '`backtick` & | < > %PATH% ; \\\\server\\share',
    'x'.repeat(10_240),
    '陳大文 Müller € \u200b\u00a0',
  ];

  it.each([',', ';', '\t'] as CsvDelimiter[])('through parse with %j, quoted the way Excel quotes', async (delimiter) => {
    const text = toCsv([['Identity', 'Note'], ...hostile.map((h, i) => [`user${i}`, h])], delimiter, '\r\n');
    const parsed = await parseCsv(text);
    expect(parsed.delimiter).toBe(delimiter);
    expect(parsed.rows.map((r) => r.cells[1])).toEqual(hostile);
  });

  it('through decoding in UTF-8 and UTF-16 LE', async () => {
    const text = toCsv([['Identity', 'Note'], ...hostile.map((h, i) => [`user${i}`, h])], ',', '\r\n');
    for (const encoding of ['utf-8', 'utf-16le'] as const) {
      const result = await importCsv(encode(text, encoding));
      expect(result.rows.map((r) => r.cells[1])).toEqual(hostile);
    }
  });

  it('formula prefixes unquoted are kept as written', async () => {
    const parsed = await parseCsv("Identity,Ext,Note\n=1+1,+31 20 123,-1\n@SUM(1),$(whoami),'; DROP\n");
    expect(parsed.rows.map((r) => r.cells)).toEqual([
      ['=1+1', '+31 20 123', '-1'],
      ['@SUM(1)', '$(whoami)', "'; DROP"],
    ]);
  });
});

describe('row limit and speed', () => {
  const makeRows = (n: number) => {
    const lines = ['Identity,Extensions,UMMailboxPolicy,PIN'];
    for (let i = 0; i < n; i++) lines.push(`user${i}@contoso.com,${100000 + i},Default Policy,${123456 + i}`);
    return `${lines.join('\r\n')}\r\n`;
  };

  it('parses 100,000 rows quickly', async () => {
    const text = makeRows(100_000);
    const started = performance.now();
    const parsed = await parseCsv(text);
    const elapsed = performance.now() - started;
    expect(parsed.rows).toHaveLength(100_000);
    expect(parsed.rows[99_999]).toEqual({ line: 100_001, cells: ['user99999@contoso.com', '199999', 'Default Policy', '223455'] });
    // Typically well under 200 ms; the bound only catches pathological (quadratic) behaviour.
    expect(elapsed).toBeLessThan(5_000);
  });

  it('imports 100,000 rows of UTF-16 LE bytes', async () => {
    const result = await importCsv(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(makeRows(100_000), 'utf16le')]));
    expect(result.rows).toHaveLength(100_000);
    expect(result.encoding).toBe('utf-16le');
  });

  it('finds Big5 even when the only Chinese name is at the end of a large file', async () => {
    const result = await importCsv(iconv.encode(`${makeRows(99_999)}chan@contoso.com.tw,4101,台北語音信箱原則,陳大文\r\n`, 'big5'));
    expect(result.encoding).toBe('big5');
    expect(result.rows.at(-1)!.cells.slice(2)).toEqual(['台北語音信箱原則', '陳大文']);
  });

  it('refuses 100,001 rows with a clear error', async () => {
    const error = await formatError(() => parseCsv(makeRows(100_001)));
    expect(error.message).toBe('The file has more than 100,000 data rows (row 100,001 starts on line 100002). Split it into files of at most 100,000 rows.');
    expect(error.line).toBe(100_002);
  });

  it('does not count blank lines, and honours a smaller maxRows', async () => {
    expect((await parseCsv('Identity\na\n\n\nb\n,\n', { maxRows: 2 })).rows).toHaveLength(2);
    expect((await formatError(() => parseCsv('Identity\na\nb\nc\n', { maxRows: 2 }))).message).toContain('more than 2 data rows');
    await expect(parseCsv('Identity\na\n', { maxRows: 0 })).rejects.toThrow(RangeError);
  });
});

describe('limits (csv-limits.ts), refused early with the limit and the line named', () => {
  const row = (cells: number, value = 'x') => Array.from({ length: cells }, (_, i) => `${value}${i}`).join(',');

  it('has the documented values', () => {
    expect(csvLimits).toEqual({ maxRows: 100_000, maxColumns: 1_000, maxCellLength: 65_536, maxRowLength: 1_000_000, maxLines: 1_048_576 });
  });

  it('accepts 1,000 columns and refuses 1,001, in the header or in a data row', async () => {
    expect((await parseCsv(`${row(1000, 'Col')}\r\n${row(1000)}\r\n`)).header).toHaveLength(1000);
    const header = await formatError(() => parseCsv(`${row(1001, 'Col')}\r\n${row(1001)}\r\n`));
    expect(header.message).toBe('Line 1: the row has more than 1,000 columns, the most a file may have. Is this a list of users, and is the delimiter right?');
    expect(header.line).toBe(1);
    const data = await formatError(() => parseCsv(`Identity,Ext\r\nalice,1\r\n\r\n${row(5000)}\r\n`));
    expect(data.message).toMatch(/^Line 4: the row has more than 1,000 columns/);
    expect(data.line).toBe(4);
  });

  it('counts columns as the delimiter splits them: a line of commas is a row of empty cells', async () => {
    expect((await formatError(() => parseCsv(`Identity,Ext\n${','.repeat(1000)}\n`))).message).toMatch(/^Line 2: the row has more than 1,000 columns/);
    // 1,000 empty cells is a blank row like Excel's ",,,", ignored.
    expect((await parseCsv(`Identity,Ext\n${','.repeat(999)}\nalice,1\n`)).rows).toEqual([{ line: 3, cells: ['alice', '1'] }]);
  });

  it('accepts a value of 65,536 characters and refuses one of 65,537, quoted or not', async () => {
    const ok = await parseCsv(`Identity,Note\nalice,${'x'.repeat(65_536)}\n`);
    expect(ok.rows[0]!.cells[1]).toHaveLength(65_536);
    const error = await formatError(() => parseCsv(`Identity,Note\nalice,ok\nbob,"${'y\n'.repeat(32_768)}z"\ncarol,ok\n`));
    expect(error.message).toBe(
      'Line 3, column 2: a value is longer than 65,536 characters, the most one value may have. Remove that column or shorten the value.',
    );
    expect(error.line).toBe(3);
  });

  it('refuses a row longer than 1,000,000 characters while it is being read', async () => {
    const cells = Array.from({ length: 20 }, () => 'v'.repeat(60_000)).join(',');
    const error = await formatError(() => parseCsv(`Identity,Note\nalice,1\n${cells}\n`));
    expect(error.message).toBe(
      'Line 3: the row is longer than 1,000,000 characters, the most one row may have (reading stopped in column 17). Is a closing quote missing, or is this not a list of users?',
    );
    expect(error.line).toBe(3);
    // One value that never ends: refused as a too-long row, long before the end of the text.
    let handedOn = 0;
    const endless = function* () {
      yield 'Identity,Note\r\nalice,"';
      for (;;) {
        handedOn++;
        yield 'z'.repeat(65_536);
      }
    };
    expect((await formatError(() => parseCsv(endless()))).message).toMatch(/^Line 2: the row is longer than 1,000,000 characters/);
    expect(handedOn).toBeLessThan(20);
  });

  it('refuses a file of more than 1,048,576 lines, blank ones included', async () => {
    expect((await parseCsv(`Identity,Ext\nalice,1\n${'\n'.repeat(1_048_573)}bob,2\n`)).rows.at(-1)).toEqual({ line: 1_048_576, cells: ['bob', '2'] });
    const error = await formatError(() => parseCsv(`Identity,Ext\nalice,1\n${'\n'.repeat(1_048_574)}bob,2\n`));
    expect(error.message).toBe(
      'The file has more than 1,048,576 lines (blank lines included), more than an Excel worksheet holds. Remove the empty lines or split the file.',
    );
    expect(error.line).toBe(1_048_577);
  });

  it('applies each limit at its boundary', async () => {
    const limits = { maxRows: 10, maxColumns: 3, maxCellLength: 5, maxRowLength: 12, maxLines: 5 };
    const read = async (text: string) => {
      const records: CsvRecord[] = [];
      await readCsvRecords([text], ',', (r) => void records.push(r), { limits });
      return records.map((r) => r.cells);
    };
    expect(await read('a,b,c\n12345,x\n\n,,\n12345,12345,12\n')).toEqual([
      ['a', 'b', 'c'],
      ['12345', 'x'],
      ['', '', ''],
      ['12345', '12345', '12'],
    ]);
    await expect(read('a,b,c,d\n')).rejects.toThrow('more than 3 columns');
    await expect(read('a\n123456\n')).rejects.toThrow('longer than 5 characters');
    await expect(read('1234,1234,12345\n')).rejects.toThrow('longer than 12 characters');
    await expect(read('a\n12345,12345,123\n')).rejects.toThrow('longer than 12 characters');
    await expect(read('a\n\n\n\n\nb\n')).rejects.toThrow('more than 5 lines');
  });
});

describe('streaming', () => {
  const splitAt = (text: string, cuts: number[]) => {
    const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
    return [...points, text.length].map((end, i) => text.slice(i === 0 ? 0 : points[i - 1], end));
  };
  const outcome = async (input: string | string[]) => {
    try {
      return await parseCsv(input);
    } catch (error) {
      expect(error).toBeInstanceOf(CsvFormatError);
      return { error: (error as CsvFormatError).message, line: (error as CsvFormatError).line };
    }
  };

  it('gives the same rows, problems and errors whatever the chunks, surrogate pairs and CRLF split included', async () => {
    const cell = fc.string({ unit: fc.constantFrom(...'ab,;\t" \r\n\u00a0\u3000\ue000😀陳'), maxLength: 10 });
    await fc.assert(
      fc.asyncProperty(fc.array(cell, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), async (cells, cuts) => {
        const text = `Identity,Note\r\n${cells.join(',')}\r\nbob,ok\r\n`;
        expect(await outcome(splitAt(text, cuts))).toEqual(await outcome(text));
      }),
      { numRuns: 300 },
    );
  });

  it('decodes 64 KB at a time without breaking a character that straddles two steps', () => {
    for (const encoding of ['utf-8', 'utf-16le', 'utf-16be', 'big5'] as const) {
      const unit = encoding === 'big5' ? 'a陳大文,林美玲\r\n' : 'a😀陳,ü€\r\n';
      for (const shift of [0, 1, 2, 3]) {
        const text = `${'x'.repeat(shift)}Identity,Note\r\n${unit.repeat(30_000)}`;
        const decoded = decodeCsvBytes(encode(text, encoding), encoding === 'big5' ? 'big5' : undefined);
        expect(decoded.text === text, `${encoding} +${shift}`).toBe(true);
        expect(decoded.replacementCharacters).toBe(0);
      }
    }
  });

  it('keeps Unicode spaces csv-parse would trim, and its own escape character, exactly', async () => {
    const odd = ['\u3000陳大文\u3000', '\ufeffx\u2028', '\ue000a\ue0000', '\v\f'];
    const parsed = await parseCsv(`Identity,Note\n${odd.map((v, i) => `u${i},${v}`).join('\n')}\n`);
    expect(parsed.rows.map((r) => r.cells[1])).toEqual(odd);
  });

  it('carries on after a bad record that spans chunks and lines', async () => {
    const text = 'Identity,Note,Ext\nalice,"a\nb"junk,"c\nd"\nbob,ok,1\ncarol,"x"y\n';
    for (const input of [text, [...text]]) {
      const parsed = await parseCsv(input);
      expect(parsed.rows).toEqual([{ line: 5, cells: ['bob', 'ok', '1'] }]);
      expect(parsed.problems).toEqual([
        { line: 2, message: expect.stringContaining('Column 2: unexpected text after the closing quote') },
        { line: 6, message: expect.stringContaining('Column 2: unexpected text after the closing quote') },
      ]);
    }
  });

  it('names the line of an unterminated quote that starts after a multi-line cell of the same row', async () => {
    const error = await formatError(() => parseCsv('Identity,Note,Ext\nalice,"a\r\nb\r\nc","never closed\nbob,1,2\n'));
    expect(error.line).toBe(4);
    expect(error.message).toMatch(/^Line 4: a quoted value starts here/);
  });
});

describe('suggestColumnMapping', () => {
  it('maps every alias of every field', () => {
    for (const field of enablementFields) {
      for (const alias of fieldAliases[field]) {
        expect(suggestColumnMapping(['Other', alias]).mapping, `${alias} → ${field}`).toEqual({ [field]: 1 });
      }
    }
  });

  it('matches case-insensitively, ignoring spaces, underscores, dashes and dots', () => {
    const header = ['user principal name', 'EXT', 'Sip_Address', 'um-mailbox.policy', ' pin ', 'Pin Expired', 'Notification E-mail', 'Department'];
    expect(suggestColumnMapping(header)).toEqual({
      mapping: { Identity: 0, Extensions: 1, SIPResourceIdentifier: 2, UMMailboxPolicy: 3, PIN: 4, PINExpired: 5, NotifyEmail: 6 },
      unmapped: [7],
      ambiguous: [],
    });
    expect(normalizeHeaderName('E-Mail\u00a0Address')).toBe('emailaddress');
    expect(suggestColumnMapping(['e_mail', 'E.mail']).mapping).toEqual({ Identity: 0 });
  });

  it('reports duplicate headers as ambiguous and suggests the leftmost', () => {
    expect(suggestColumnMapping(['Extension', 'Identity', 'Extension'])).toEqual({
      mapping: { Extensions: 0, Identity: 1 },
      unmapped: [2],
      ambiguous: [{ field: 'Extensions', columns: [0, 2] }],
    });
  });

  it('prefers the better identity alias whatever the column order', () => {
    expect(suggestColumnMapping(['Email', 'SamAccountName', 'UserPrincipalName', 'Alias'])).toEqual({
      mapping: { Identity: 2 },
      unmapped: [0, 1, 3],
      ambiguous: [{ field: 'Identity', columns: [0, 1, 2, 3] }],
    });
  });

  it('keeps NotifyEmail apart from the Email identity alias', () => {
    expect(suggestColumnMapping(['NotifyEmail', 'Email']).mapping).toEqual({ Identity: 1, NotifyEmail: 0 });
  });

  it('does not crash on empty, duplicate or odd headers and partitions the columns', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.constantFrom('', 'UPN', 'Ext', 'PIN', 'pin', 'Policy', 'SIP', '__proto__', 'constructor')), { maxLength: 12 }),
        (header) => {
          const { mapping, unmapped, ambiguous } = suggestColumnMapping(header);
          const mapped = Object.values(mapping);
          expect(new Set(mapped).size).toBe(mapped.length);
          expect([...mapped, ...unmapped].sort((a, b) => a - b)).toEqual(header.map((_, i) => i));
          for (const a of ambiguous) expect(a.columns).toContain(mapping[a.field]);
        },
      ),
    );
  });
});

describe('the CSV template', () => {
  it('is UTF-8 with a BOM, and the importer maps every one of its columns and reads its example row', async () => {
    const template = enablementCsvTemplate();
    const bytes = new TextEncoder().encode(template.content);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = await importCsv(bytes);
    expect(csv).toMatchObject({ encoding: 'utf-8', detection: 'bom', delimiter: ',' });
    expect(csv.columns.mapping).toEqual(Object.fromEntries(enablementFieldSchema.options.map((f, i) => [f, i])));
    expect(csv.columns.ambiguous).toEqual([]);
    expect(csv.rows).toHaveLength(1);
    expect(csv.rows[0]!.cells[csv.columns.mapping.Identity!]).toBe('someone@contoso.com');
  });
});
