/**
 * Tells Big5 (Excel on zh-TW Windows, code page 950) from Windows-1252 (Excel on Western Windows)
 * for bytes that are neither UTF-16 nor valid UTF-8. Both are "ASCII plus high bytes", so the
 * guess reads the high bytes as Big5 and asks how convincing that reading is.
 *
 * Why these signals: in a real Big5 file every high byte belongs to a lead/trail pair, most
 * characters (surnames, given names, fullwidth punctuation) come from the frequently used block
 * (leads 0xA1–0xC6), and about 60 % of them have a high trail byte. In Windows-1252 text the
 * accented letters are mostly lowercase (0xE0–0xFF, outside that block), usually stand alone
 * between ASCII letters, and often end a word — followed by a space, comma, quote or line break,
 * which is never a valid Big5 trail byte.
 *
 * chardet is deliberately not consulted: on files of a few rows (the usual case) it rates a Big5
 * file with Chinese names as ISO-8859-1 far above Big5, so as a second opinion it would only add
 * wrong answers.
 */

/** Counts gathered by reading the high bytes as Big5 from left to right. */
export interface Big5Evidence {
  /** Bytes ≥ 0x80. */
  highBytes: number;
  /** Valid lead (0x81–0xFE) + trail (0x40–0x7E or 0xA1–0xFE) pairs. */
  pairs: number;
  /** Pairs whose trail is a high byte too (0xA1–0xFE) — two high bytes in a row are rare in Western text. */
  strongPairs: number;
  /** Pairs whose lead is in the symbols and frequently-used-characters block (0xA1–0xC6). */
  frequentPairs: number;
  /** High bytes that cannot start a valid pair (0x80, 0xFF, or a lead followed by an invalid trail). */
  invalid: number;
}

const isTrail = (b: number): boolean => (b >= 0x40 && b <= 0x7e) || (b >= 0xa1 && b <= 0xfe);

/**
 * Reads the bytes as Big5 and counts how well that works. Reads the whole file (a plain byte loop,
 * a few ms for 10 MB): a list sorted by e-mail address may have its only Chinese names at the end.
 * Exposed so tests (and diagnostics) can show why a file was classified the way it was.
 */
export function measureBig5Evidence(bytes: Uint8Array): Big5Evidence {
  const end = bytes.length;
  const evidence: Big5Evidence = { highBytes: 0, pairs: 0, strongPairs: 0, frequentPairs: 0, invalid: 0 };
  let i = 0;
  while (i < end) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    evidence.highBytes++;
    if (i + 1 >= end) {
      evidence.invalid++;
      break;
    }
    const trail = bytes[i + 1]!;
    if (lead >= 0x81 && lead <= 0xfe && isTrail(trail)) {
      evidence.pairs++;
      if (trail >= 0x80) {
        evidence.highBytes++;
        evidence.strongPairs++;
      }
      if (lead >= 0xa1 && lead <= 0xc6) evidence.frequentPairs++;
      i += 2;
    } else {
      evidence.invalid++;
      i++;
    }
  }
  return evidence;
}

/**
 * Picks Big5 or Windows-1252 for non-UTF-8 bytes. Big5 only when (1) at most 5 % of the high-byte
 * sequences are invalid Big5, (2) at least one pair has two high bytes, and (3) at least half the
 * pairs come from the frequently-used block. Anything else — including pure ASCII — is
 * Windows-1252, which decodes all but five byte values, so a wrong guess still shows the ASCII
 * intact and the admin can override the encoding.
 */
export function guessBig5OrWindows1252(bytes: Uint8Array): 'big5' | 'windows-1252' {
  const e = measureBig5Evidence(bytes);
  if (e.pairs === 0 || e.strongPairs === 0) return 'windows-1252';
  if (e.invalid * 20 > e.pairs + e.invalid) return 'windows-1252';
  if (e.frequentPairs * 2 < e.pairs) return 'windows-1252';
  return 'big5';
}
