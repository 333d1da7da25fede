/**
 * Turns the bytes of an uploaded CSV into text. Admins export from Excel on Windows, which writes
 * UTF-8 (with BOM: "CSV UTF-8"), UTF-16 LE ("Unicode Text"), or the ANSI code page of the machine —
 * Big5 on zh-TW Windows, Windows-1252 on Western Windows — with no label, so the encoding is
 * detected: BOM → UTF-16 by its NUL pattern → strict UTF-8 → Big5 vs Windows-1252 heuristic.
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { CsvFormatError } from './csv-format-error';
import { guessBig5OrWindows1252 } from './legacy-encoding-guess';
import { binaryDataMessage, describeBinarySignature, describeNonCsvText } from './sniff-file-type';

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

const hasBom = (bytes: Uint8Array, bom: readonly number[]): boolean => bytes.length >= bom.length && bom.every((b, i) => bytes[i] === b);

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

function countReplacements(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) count++;
  return count;
}

type Detected = Pick<DecodedText, 'encoding' | 'bom' | 'detection'>;

function detect(bytes: Uint8Array): Detected {
  for (const { encoding, bytes: bom } of boms) {
    if (hasBom(bytes, bom)) return { encoding, bom: true, detection: 'bom' };
  }
  const utf16 = detectUtf16ByNulPattern(bytes);
  if (utf16) return { encoding: utf16, bom: false, detection: 'utf16-nul-pattern' };
  // Strict: overlong forms, surrogates and truncated sequences are invalid, as for a fatal TextDecoder.
  if (isUtf8(bytes)) return { encoding: 'utf-8', bom: false, detection: 'valid-utf8' };
  return { encoding: guessBig5OrWindows1252(bytes), bom: false, detection: 'heuristic' };
}

function detectForced(bytes: Uint8Array, encoding: CsvEncoding): Detected {
  const bom = boms.find((b) => b.encoding === encoding)?.bytes;
  return { encoding, bom: bom !== undefined && hasBom(bytes, bom), detection: 'forced' };
}

/** Bytes decoded per step; the text of one step is what the parser gets at a time. */
const chunkBytes = 64 * 1024;
/** The first text handed on is at least this long, so the not-a-CSV checks see the same start of the file whatever the chunking. */
const screenedStart = 65_536;

/**
 * The decoded text of an uploaded CSV, handed on in chunks so that a large file is never held as
 * one string: the encoding is chosen from the bytes up front (or forced by the admin), then each
 * 64 KB of bytes is decoded as the parser asks for it. The first chunk (at least 64 Ki characters)
 * is screened for text that is not a CSV (HTML, XML, RTF, binary data); every later one for NUL.
 * A chunk never ends inside a surrogate pair. `replacementCharacters` is complete once every chunk
 * has been read.
 */
export class CsvTextDecoder {
  readonly encoding: CsvEncoding;
  readonly bom: boolean;
  readonly detection: EncodingDetection;
  /** U+FFFD characters in the chunks read so far. */
  replacementCharacters = 0;
  private readonly notTextHint: string;

  /** Chooses the encoding; throws CsvFormatError for an unsupported forced encoding or a file with a known binary signature. */
  constructor(
    private readonly bytes: Uint8Array,
    forced?: CsvEncoding,
  ) {
    if (forced !== undefined && !(csvEncodings as readonly string[]).includes(forced)) {
      throw new CsvFormatError(`Unsupported encoding "${String(forced)}". Choose one of: ${csvEncodings.join(', ')}.`);
    }
    const signature = describeBinarySignature(bytes);
    if (signature) throw new CsvFormatError(signature);
    ({ encoding: this.encoding, bom: this.bom, detection: this.detection } = forced ? detectForced(bytes, forced) : detect(bytes));
    const looksUtf16 = forced && forced !== 'utf-16le' && forced !== 'utf-16be' && detectUtf16ByNulPattern(bytes);
    this.notTextHint = looksUtf16 ? ' It looks like UTF-16 ("Unicode Text") — choose UTF-16 or automatic detection instead.' : '';
  }

  /** The text without the BOM, chunk by chunk; throws CsvFormatError when it turns out not to be a CSV. */
  *chunks(): Generator<string, void, undefined> {
    let screened = false;
    let pending = '';
    for (const text of this.decode()) {
      if (screened) {
        if (text.includes('\0')) throw new CsvFormatError(binaryDataMessage(this.notTextHint));
        this.replacementCharacters += countReplacements(text);
        yield text;
        continue;
      }
      pending += text;
      if (pending.length < screenedStart) continue;
      yield this.screen(pending);
      screened = true;
      pending = '';
    }
    if (!screened) yield this.screen(pending);
  }

  private screen(start: string): string {
    const notCsv = describeNonCsvText(start, this.notTextHint);
    if (notCsv) throw new CsvFormatError(notCsv);
    this.replacementCharacters += countReplacements(start);
    return start;
  }

  /** Decoded pieces: a trailing high surrogate waits for the next piece; lone surrogates and a dangling odd UTF-16 byte become U+FFFD. */
  private *decode(): Generator<string, void, undefined> {
    const skip = this.bom ? boms.find((b) => b.encoding === this.encoding)!.bytes.length : 0;
    const body = this.bytes.subarray(skip);
    const utf16 = this.encoding === 'utf-16le' || this.encoding === 'utf-16be';
    const decoder = iconv.getDecoder(iconvNames[this.encoding], { stripBOM: false });
    let carry = '';
    const piece = (text: string, last: boolean): string => {
      let out = carry + text;
      carry = '';
      if (!last) {
        const code = out.charCodeAt(out.length - 1);
        if (code >= 0xd800 && code <= 0xdbff) {
          carry = out.slice(-1);
          out = out.slice(0, -1);
        }
      }
      // iconv-lite passes lone surrogates through in UTF-16; like any undecodable input they must
      // show up as U+FFFD (and in the replacement count).
      return utf16 ? out.replace(loneSurrogates, '\ufffd') : out;
    };
    for (let offset = 0; offset < body.length; offset += chunkBytes) {
      const slice = body.subarray(offset, offset + chunkBytes);
      const text = piece(decoder.write(Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength)), false);
      if (text) yield text;
    }
    // iconv-lite drops a dangling odd byte of UTF-16: it is invalid input all the same.
    const tail = piece(decoder.end() ?? '', true) + (utf16 && body.length % 2 === 1 ? '\ufffd' : '');
    if (tail) yield tail;
  }
}

/**
 * Detects the encoding of an uploaded CSV (or uses `forced`, the admin's override) and decodes it
 * whole — the same decoding the import streams through CsvTextDecoder. Refuses, with a
 * CsvFormatError an admin understands, files that are not text at all: workbooks, PDFs, images,
 * archives, binary data with NUL bytes, HTML/XML/RTF saved as .csv. A forced encoding that does
 * not fit yields U+FFFD characters, counted in `replacementCharacters` for the UI to warn.
 */
export function decodeCsvBytes(bytes: Uint8Array, forced?: CsvEncoding): DecodedText {
  const decoder = new CsvTextDecoder(bytes, forced);
  const text = [...decoder.chunks()].join('');
  return { text, encoding: decoder.encoding, bom: decoder.bom, detection: decoder.detection, replacementCharacters: decoder.replacementCharacters };
}
