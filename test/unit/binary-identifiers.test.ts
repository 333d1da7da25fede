import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guidToBytes, guidToString, sidToBytes, sidToString } from '../../electron/services/directory/dir-entry';

describe('GUIDs and SIDs as AD stores them', () => {
  it('reads the contact class GUID from its little-endian bytes', () => {
    const bytes = Buffer.from('d01eb45c4c0ed011a28600aa003049e2', 'hex');
    expect(guidToString(bytes)).toBe('5cb41ed0-0e4c-11d0-a286-00aa003049e2');
    expect(guidToBytes('5cb41ed0-0e4c-11d0-a286-00aa003049e2').equals(bytes)).toBe(true);
  });

  it('round-trips any GUID and SID', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        expect(guidToBytes(guidToString(Buffer.from(b))).equals(Buffer.from(b))).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 8 }), (subs) => {
        const sid = `S-1-5-${subs.join('-')}`;
        expect(sidToString(sidToBytes(sid))).toBe(sid);
      }),
    );
  });

  it('rejects truncated input', () => {
    expect(() => guidToString(Buffer.alloc(15))).toThrow();
    expect(() => sidToString(Buffer.from([1, 4, 0, 0, 0, 0, 0, 5, 21, 0]))).toThrow();
  });
});
