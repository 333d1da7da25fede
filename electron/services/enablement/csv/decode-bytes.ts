/**
 * Turns the bytes of an uploaded CSV into text. Admins export from Excel on Windows, which writes
 * UTF-8 (with BOM: "CSV UTF-8"), UTF-16 LE ("Unicode Text"), or the ANSI code page of the machine —
 * Big5 on zh-TW Windows, Windows-1252 on Western Windows — with no label, so the encoding is
 * detected: BOM → UTF-16 by its NUL pattern → strict UTF-8 → Big5 vs Windows-1252 heuristic.
 */
import iconv from 'iconv-lite';
import { CsvFormatError } from './csv-format-error';
import { guessBig5OrWindows1252 } from './legacy-encoding-guess';
import { describeBinarySignature, describeNonCsvText } from './sniff-file-type';

export const csvEncodings = ['utf-8', 'utf-16le', 'utf-16be', 'big5', 'windows-1252'] as const;
export type CsvEncoding = (typeof csvEncodings)[number];

/** How the encoding was chosen; 'heuristic' deserves a "check the preview" hint in the UI. */
export type EncodingDetection = 'bom' | 'utf16-nul-pattern' | 'valid-utf8' | 'heuristic' | 'forced';

export interface DecodedText {
  /** The decoded text without the BOM. */
  text: string;
  encoding: CsvEncoding;
  /** Whether a BOM of `encoding` was present (and removed). */
  bom: boolean;
  detection: EncodingDetection;
  /** U+FFFD characters in `text`: bytes that were invalid in `encoding`. More than 0 means the UI should warn. */
  replacementCharacters: number;
}

/**
 * iconv-lite names. 'big5' is iconv-lite's Big5-HKSCS, i.e. code page 950 plus the HKSCS
 * characters — the same superset browsers use for any Big5 label, so nothing Excel writes is lost.
 */
const iconvNames = {
  'utf-8': 'utf8',
  'utf-16le': 'utf16le',
  'utf-16be': 'utf16be',
  big5: 'big5',
  'windows-1252': 'windows1252',
} as const satisfies Record<CsvEncoding, string>;

const boms: Array<{ encoding: CsvEncoding; bytes: readonly number[] }> = [
  { encoding: 'utf-8', bytes: [0xef, 0xbb, 0xbf] },
  { encoding: 'utf-16le', bytes: [0xff, 0xfe] },
  { encoding: 'utf-16be', bytes: [0xfe, 0xff] },
];

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const hasBom = (bytes: Uint8Array, bom: readonly number[]): boolean =>
  bytes.length >= bom.length && bom.every((b, i) => bytes[i] === b);

/** How many bytes of the file the UTF-16 NUL-pattern test looks at. */
const nulPatternSample = 8192;

/**
 * UTF-16 without BOM: ASCII characters (delimiters, line ends, e-mail addresses — every CSV has
 * plenty) are a NUL byte plus the character, so NULs pile up on odd offsets (LE) or even offsets
 * (BE). Requires NULs in at least 20 % of the code units on one side and at most a quarter as many
 * on the other (U+4E00 "一" and friends put a NUL on the "wrong" side legitimately).
 */
function detectUtf16ByNulPattern(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const length = Math.min(bytes.length, nulPatternSample) & ~1;
  if (length < 4) return undefined;
  let evenNuls = 0;
  let oddNuls = 0;
  for (let i = 0; i < length; i += 2) {
    if (bytes[i] === 0) evenNuls++;
    if (bytes[i + 1] === 0) oddNuls++;
  }
  const units = length / 2;
  if (oddNuls >= units * 0.2 && evenNuls * 4 <= oddNuls) return 'utf-16le';
  if (evenNuls >= units * 0.2 && oddNuls * 4 <= evenNuls) return 'utf-16be';
  return undefined;
}

const loneSurrogates = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function decodeWith(bytes: Uint8Array, encoding: CsvEncoding, skip: number): string {
  const body = bytes.subarray(skip);
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let text = iconv.decode(buffer, iconvNames[encoding], { stripBOM: false });
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    // iconv-lite drops a dangling odd byte and passes lone surrogates through; both are invalid
    // input and must show up in the replacement count like any other undecodable byte.
    if (body.length % 2 === 1) text += '\ufffd';
    text = text.replace(loneSurrogates, '\ufffd');
  }
  return text;
}

function countReplacements(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) count++;
  return count;
}

function detectAndDecode(bytes: Uint8Array): Omit<DecodedText, 'replacementCharacters'> {
  for (const { encoding, bytes: bom } of boms) {
    if (hasBom(bytes, bom)) return { text: decodeWith(bytes, encoding, bom.length), encoding, bom: true, detection: 'bom' };
  }
  const utf16 = detectUtf16ByNulPattern(bytes);
  if (utf16) return { text: decodeWith(bytes, utf16, 0), encoding: utf16, bom: false, detection: 'utf16-nul-pattern' };
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf-8', bom: false, detection: 'valid-utf8' };
  } catch {
    const encoding = guessBig5OrWindows1252(bytes);
    return { text: decodeWith(bytes, encoding, 0), encoding, bom: false, detection: 'heuristic' };
  }
}

function decodeForced(bytes: Uint8Array, encoding: CsvEncoding): Omit<DecodedText, 'replacementCharacters'> {
  const bom = boms.find((b) => b.encoding === encoding)?.bytes;
  const bomPresent = bom !== undefined && hasBom(bytes, bom);
  return { text: decodeWith(bytes, encoding, bomPresent ? bom.length : 0), encoding, bom: bomPresent, detection: 'forced' };
}

/**
 * Detects the encoding of an uploaded CSV (or uses `forced`, the admin's override) and decodes it.
 * Refuses, with a CsvFormatError an admin understands, files that are not text at all: workbooks,
 * PDFs, images, archives, binary data with NUL bytes, HTML/XML/RTF saved as .csv. A forced encoding
 * that does not fit yields U+FFFD characters, counted in `replacementCharacters` for the UI to warn.
 */
export function decodeCsvBytes(bytes: Uint8Array, forced?: CsvEncoding): DecodedText {
  if (forced !== undefined && !(csvEncodings as readonly string[]).includes(forced)) {
    throw new CsvFormatError(`Unsupported encoding "${String(forced)}". Choose one of: ${csvEncodings.join(', ')}.`);
  }
  const signature = describeBinarySignature(bytes);
  if (signature) throw new CsvFormatError(signature);

  const decoded = forced ? decodeForced(bytes, forced) : detectAndDecode(bytes);

  const looksUtf16 = forced && forced !== 'utf-16le' && forced !== 'utf-16be' && detectUtf16ByNulPattern(bytes);
  const hint = looksUtf16 ? ' It looks like UTF-16 ("Unicode Text") — choose UTF-16 or automatic detection instead.' : '';
  const notCsv = describeNonCsvText(decoded.text, hint);
  if (notCsv) throw new CsvFormatError(notCsv);

  return { ...decoded, replacementCharacters: countReplacements(decoded.text) };
}
