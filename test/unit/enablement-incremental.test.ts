import { describe, expect, it } from 'vitest';
import { ANY_CONTEXT, ClaimIndex, crossRowMessages, type RowClaim } from '../../electron/services/enablement/validation/cross-row-rules';

const number = (line: number, userDn: string, address: string, contexts = ['redmond', 'taipei']): RowClaim => ({
  line,
  userDn,
  claims: [{ address, contexts }],
});

/** A file of ten rows: lines 2 and 3 share 00051 in Redmond, every other row has its own number. */
function fileIndex(): ClaimIndex {
  const index = new ClaimIndex();
  for (let line = 2; line <= 11; line++) index.set(line, number(line, `u${line}`, line <= 3 ? '00051' : String(line).padStart(5, '0')));
  return index;
}

describe('an edit re-checks only the rows it can affect (cross-row-rules ClaimIndex)', () => {
  it('a changed extension touches the row, the row it clashed with and the row it clashes with now, nothing else', () => {
    const index = fileIndex();
    expect(index.messages(2).map((m) => m.code)).toEqual(['duplicate-in-file']);
    const touched = index.set(3, number(3, 'u3', '00007'));
    expect([...touched].sort((a, b) => a - b)).toEqual([2, 3, 7]);
    expect(index.messages(2)).toEqual([]);
    expect(index.messages(3)).toMatchObject([{ code: 'duplicate-in-file', params: { value: '00007', lines: '7' } }]);
    expect(index.messages(7)).toMatchObject([{ code: 'duplicate-in-file', params: { value: '00007', lines: '3' } }]);
  });

  it('an equivalent dial plan counts: a number in a context the other row also claims touches it', () => {
    const index = fileIndex();
    expect([...index.set(4, number(4, 'u4', '00005', ['taipei']))].sort()).toEqual([4, 5]);
    expect([...index.set(6, number(6, 'u6', '00006', ['tokyo']))].sort()).toEqual([6]);
  });

  it('a changed identity touches the rows of the same user, before and after', () => {
    const index = fileIndex();
    expect([...index.set(8, number(8, 'u9', '00008'))].sort()).toEqual([8, 9]);
    expect(index.messages(9)).toMatchObject([{ code: 'duplicate-user', params: { lines: '8' } }]);
    expect([...index.set(8, number(8, 'u8', '00008'))].sort()).toEqual([8, 9]);
    expect(index.messages(9)).toEqual([]);
  });

  it('a SIP URI identifier is unique anywhere, whatever the case; a row that is already done claims nothing', () => {
    const index = new ClaimIndex();
    index.set(2, { line: 2, userDn: 'a', claims: [{ address: 'Ann@Contoso.test', contexts: [ANY_CONTEXT] }] });
    expect([...index.set(3, { line: 3, userDn: 'b', claims: [{ address: 'ann@contoso.test', contexts: [ANY_CONTEXT] }] })].sort()).toEqual([2, 3]);
    expect(index.messages(2)).toHaveLength(1);
    expect([...index.set(3, undefined)].sort()).toEqual([2, 3]);
    expect(index.messages(2)).toEqual([]);
    expect(index.messages(3)).toEqual([]);
  });

  it('after any sequence of edits, each row has the messages a check of the whole file gives', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const contexts = [['redmond', 'taipei'], ['taipei'], ['tokyo'], [ANY_CONTEXT]];
    const claimOf = (line: number): RowClaim | undefined =>
      random(10) === 0
        ? undefined
        : {
            line,
            userDn: `u${random(30)}`,
            claims: Array.from({ length: 1 + random(2) }, () => ({ address: String(random(25)), contexts: contexts[random(contexts.length)]! })),
          };
    const current = new Map<number, RowClaim | undefined>();
    const index = new ClaimIndex();
    for (let line = 2; line < 80; line++) index.set(line, (current.set(line, claimOf(line)), current.get(line)));
    for (let edit = 0; edit < 300; edit++) {
      const line = 2 + random(78);
      const before = new Map([...current.keys()].map((l) => [l, index.messages(l)]));
      current.set(line, claimOf(line));
      const touched = index.set(line, current.get(line));
      const whole = crossRowMessages([...current.values()].filter((c): c is RowClaim => !!c));
      for (const l of current.keys()) {
        expect(index.messages(l)).toEqual(whole.get(l) ?? []);
        // A row the edit did not touch keeps its messages.
        if (!touched.has(l)) expect(index.messages(l)).toEqual(before.get(l));
      }
    }
  });
});
