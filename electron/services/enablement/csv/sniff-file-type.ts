/**
 * Recognises files that are not text CSV at all — workbooks, documents, images, archives — so the
 * admin gets "save it as CSV first" instead of a screen full of mojibake. Byte signatures are
 * checked before any decoding; text formats (HTML, XML spreadsheet, RTF) after decoding.
 */

const saveAsCsv = 'Save it as "CSV UTF-8 (Comma delimited)" or "Unicode Text" first.';

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const ascii = (text: string): number[] => Array.from(text, (ch) => ch.charCodeAt(0));

/** Whether the ASCII `needle` occurs anywhere in the first `limit` bytes (ZIP entry names are stored uncompressed). */
function containsAscii(bytes: Uint8Array, needle: string, limit = bytes.length): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(limit, bytes.byteLength)).includes(needle, 0, 'latin1');
}

function describeZip(bytes: Uint8Array): string {
  if (containsAscii(bytes, 'xl/')) return `This looks like an Excel workbook (.xlsx). ${saveAsCsv}`;
  if (containsAscii(bytes, 'word/')) return `This looks like a Word document (.docx), not a CSV file. ${saveAsCsv}`;
  if (containsAscii(bytes, 'ppt/')) return `This looks like a PowerPoint presentation (.pptx), not a CSV file.`;
  if (containsAscii(bytes, 'opendocument.spreadsheet', 256)) return `This looks like an OpenDocument spreadsheet (.ods). ${saveAsCsv}`;
  return 'This looks like a ZIP archive, not a CSV file. Extract the CSV file from it first.';
}

const signatures: Array<{ bytes: number[]; describe: (bytes: Uint8Array) => string }> = [
  { bytes: ascii('%PDF-'), describe: () => 'This looks like a PDF document, not a CSV file. Export the user list from its source as CSV instead.' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], describe: describeZip },
  { bytes: [0x50, 0x4b, 0x05, 0x06], describe: describeZip },
  { bytes: [0x50, 0x4b, 0x07, 0x08], describe: describeZip },
  {
    bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    describe: () => `This looks like an older Excel workbook (.xls) or another Office document. ${saveAsCsv}`,
  },
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], describe: () => 'This looks like a PNG image, not a CSV file.' },
  { bytes: [0xff, 0xd8, 0xff], describe: () => 'This looks like a JPEG image, not a CSV file.' },
  { bytes: ascii('GIF87a'), describe: () => 'This looks like a GIF image, not a CSV file.' },
  { bytes: ascii('GIF89a'), describe: () => 'This looks like a GIF image, not a CSV file.' },
  { bytes: [0x1f, 0x8b], describe: () => 'This looks like a GZIP-compressed file. Decompress it and import the CSV file inside.' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], describe: () => 'This looks like a 7-Zip archive. Extract the CSV file from it first.' },
  { bytes: ascii('Rar!\x1a\x07'), describe: () => 'This looks like a RAR archive. Extract the CSV file from it first.' },
  {
    bytes: [0xff, 0xfe, 0x00, 0x00],
    describe: () => 'This file is encoded as UTF-32, which is not supported. Save it as "CSV UTF-8" or "Unicode Text" instead.',
  },
  {
    bytes: [0x00, 0x00, 0xfe, 0xff],
    describe: () => 'This file is encoded as UTF-32, which is not supported. Save it as "CSV UTF-8" or "Unicode Text" instead.',
  },
];

/**
 * Names the kind of file when its first bytes carry a known non-text signature (PDF, ZIP/xlsx/docx,
 * xls, PNG, JPEG, GIF, GZIP, 7z, RAR, UTF-32), so the import can refuse it with a useful message
 * before decoding. Returns undefined for anything that may be text.
 */
export function describeBinarySignature(bytes: Uint8Array): string | undefined {
  return signatures.find((s) => startsWith(bytes, s.bytes))?.describe(bytes);
}

/** Characters a text CSV never contains: C0 controls other than tab, LF and CR. */
const controlCharacters = /[\x01-\x08\x0b\x0c\x0e-\x1f]/g;

/** The refusal for text with NUL characters, wherever in the file they turn up. */
export function binaryDataMessage(encodingHint = ''): string {
  return `This file contains binary data (NUL bytes), so it is not a text CSV file.${encodingHint}`;
}

/**
 * Names the problem when decoded text is evidently not a CSV: NUL characters or many control
 * characters (binary data), or an HTML page, XML spreadsheet or RTF document saved with a .csv
 * name. `encodingHint` is appended to the binary-data message (for example after a forced encoding).
 * Given the start of a long file, it judges that start: the control-character share and the markup
 * are only looked for in the first 64 Ki characters anyway.
 */
export function describeNonCsvText(text: string, encodingHint = ''): string | undefined {
  if (text.includes('\0')) return binaryDataMessage(encodingHint);
  const sample = text.length > 65_536 ? text.slice(0, 65_536) : text;
  const controls = sample.match(controlCharacters)?.length ?? 0;
  if (controls > 0 && controls * 100 > sample.length) {
    return `This file contains binary data (control characters), so it is not a text CSV file.${encodingHint}`;
  }
  const start = sample.trimStart().slice(0, 2048).toLowerCase();
  if (start.startsWith('{\\rtf')) return `This looks like an RTF document, not a CSV file. ${saveAsCsv}`;
  if (start.startsWith('<')) {
    if (sample.includes('urn:schemas-microsoft-com:office:spreadsheet')) {
      return `This looks like an Excel XML spreadsheet (.xml). ${saveAsCsv}`;
    }
    if (start.startsWith('<html') || start.startsWith('<!doctype html') || start.includes('<html')) {
      return `This looks like a web page (HTML), not a CSV file. ${saveAsCsv}`;
    }
    if (start.startsWith('<?xml')) return `This looks like an XML file, not a CSV file. ${saveAsCsv}`;
  }
  return undefined;
}
