import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../electron/services/audit/audit-log';
import type { NewAuditEntry } from '@shared/models/audit';

/**
 * The audit log's hash chain: every read checks it, and each way of altering the file on disk —
 * editing, removing or reordering entries — is reported, while logs written before the chain
 * stay readable (unverified).
 */
let dir: string;
let file: string;
const change = (n: number): NewAuditEntry => ({
  actor: { profile: 'lab', identity: 'Administrator@contoso.test' },
  action: 'permissions.grant',
  target: `OU=Probe ${n},OU=Lab,DC=contoso,DC=test`,
  route: 'ldap',
  before: { sddl: `D:(A;;RP;;;S-1-5-32-54${n})`, dacl: 'AQAEhA==' },
  after: { sddl: 'D:', dacl: 'AQAEhA==' },
  outcome: 'succeeded',
});
const lines = () => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const writeLines = (next: string[]) => writeFileSync(file, `${next.join('\n')}\n`);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'umc-audit-'));
  file = join(dir, 'audit.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A log with three entries, as the console writes it. */
function threeEntries(): AuditLog {
  const log = new AuditLog(dir);
  for (const n of [1, 2, 3]) log.record(change(n));
  return log;
}

describe('the audit log hash chain', () => {
  it('chains each entry to the one before and verifies the log it wrote', () => {
    const log = threeEntries();
    const [first, second] = lines().map((l) => JSON.parse(l) as { seq: number; prev: string; hash: string });
    expect(first).toMatchObject({ seq: 1, prev: '0'.repeat(64), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(second).toMatchObject({ seq: 2, prev: first!.hash });
    expect(log.verify()).toEqual({ status: 'intact', problems: [], unverified: 0 });
    expect(log.list().map((e) => [e.seq, e.integrity])).toEqual([
      [3, 'verified'],
      [2, 'verified'],
      [1, 'verified'],
    ]);
  });

  it('reports an edited entry', () => {
    const log = threeEntries();
    const all = lines();
    all[1] = all[1]!.replace('OU=Probe 2', 'OU=Domain Controllers');
    writeLines(all);
    expect(log.verify()).toMatchObject({ status: 'tampered', problems: [{ code: 'edited', seq: 2, line: 2 }] });
    expect(log.list().find((e) => e.seq === 2)!.integrity).toBe('tampered');
  });

  it('reports an entry edited with its hash recomputed: the next entry no longer follows it', () => {
    const log = threeEntries();
    const all = lines();
    const { hash: _old, ...body } = JSON.parse(all[1]!) as Record<string, unknown>;
    const edited = JSON.stringify({ ...body, target: 'DC=contoso,DC=test' });
    all[1] = `${edited.slice(0, -1)},"hash":"${createHash('sha256').update(edited).digest('hex')}"}`;
    writeLines(all);
    expect(log.verify().problems).toEqual([{ code: 'broken-link', seq: 3, line: 3 }]);
  });

  it('reports an entry removed from the middle', () => {
    const log = threeEntries();
    const all = lines();
    writeLines([all[0]!, all[2]!]);
    expect(log.verify()).toMatchObject({ status: 'tampered', problems: [{ code: 'broken-link', seq: 3, line: 2 }] });
  });

  it('reports entries removed from the end (audit-head.json remembers the last one written)', () => {
    const log = threeEntries();
    writeLines(lines().slice(0, 2));
    expect(log.verify()).toMatchObject({ status: 'tampered', problems: [{ code: 'truncated', seq: 3 }] });
  });

  it('reports the whole log removed, and the head removed', () => {
    const log = threeEntries();
    rmSync(join(dir, 'audit-head.json'));
    expect(log.verify()).toMatchObject({ status: 'tampered', problems: [{ code: 'head-missing' }] });
    threeEntries();
    rmSync(file);
    expect(log.verify()).toMatchObject({ status: 'tampered', problems: [{ code: 'truncated' }] });
  });

  it('reports reordered entries', () => {
    const log = threeEntries();
    const all = lines();
    writeLines([all[1]!, all[0]!, all[2]!]);
    expect(log.verify().status).toBe('tampered');
    expect(log.verify().problems.map((p) => p.code)).toEqual(['broken-link', 'broken-link', 'broken-link']);
  });

  it('reports an entry without a hash slipped in after the chain began', () => {
    const log = threeEntries();
    const all = lines();
    const { seq: _s, prev: _p, hash: _h, ...plain } = JSON.parse(all[0]!) as Record<string, unknown>;
    writeLines([...all.slice(0, 2), JSON.stringify({ ...plain, id: 'inserted' }), all[2]!]);
    expect(log.verify().problems).toEqual([{ code: 'unhashed', line: 3 }]);
    expect(log.get('inserted')!.integrity).toBe('tampered');
  });

  it('keeps a log from before the chain readable, marks its entries unverified, and chains what comes after', () => {
    const legacy = [1, 2].map((n) => JSON.stringify({ id: `old-${n}`, at: '2024-05-01T08:00:00.000Z', ...change(n) }));
    writeLines(legacy);
    const log = new AuditLog(dir);
    expect(log.verify()).toEqual({ status: 'intact', problems: [], unverified: 2 });
    const added = log.record(change(3));
    expect(added).toMatchObject({ seq: 1, prev: '0'.repeat(64) });
    expect(log.verify()).toEqual({ status: 'intact', problems: [], unverified: 2 });
    expect(log.list().map((e) => [e.id, e.integrity])).toEqual([
      [added.id, 'verified'],
      ['old-2', 'unverified'],
      ['old-1', 'unverified'],
    ]);
  });

  it('skips a line cut short by a crash, and goes on on a new line', () => {
    const log = threeEntries();
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"id":"torn","at":"2024`);
    expect(log.verify().status).toBe('intact');
    log.record(change(4));
    expect(lines()).toHaveLength(5);
    expect(log.verify()).toEqual({ status: 'intact', problems: [], unverified: 0 });
    expect(log.list().map((e) => e.seq)).toEqual([4, 3, 2, 1]);
  });

  it('leaves no lock file behind', () => {
    threeEntries();
    expect(existsSync(join(dir, 'audit.jsonl.lock'))).toBe(false);
  });

  it('does not wait on the lock of a process that is gone (a CLI killed mid-append)', () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(dir, 'audit.jsonl.lock'), String(dead));
    const log = new AuditLog(dir);
    const started = Date.now();
    log.record(change(1));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(lines()).toHaveLength(1);
    expect(existsSync(join(dir, 'audit.jsonl.lock'))).toBe(false);
  });
});

describe('a write audited through begin', () => {
  const planned = {
    actor: { profile: 'lab', identity: 'lab@contoso.test' },
    action: 'contact.create',
    target: 'CN=x,DC=contoso,DC=test',
    route: 'ldap' as const,
    before: undefined,
    after: { cn: 'x' },
  };

  it('records the planned entry as succeeded, with what differs from the plan', () => {
    const log = new AuditLog(dir);
    const entry = log.begin(planned).succeeded({ target: 'CN=y,DC=contoso,DC=test' });
    expect(entry).toMatchObject({ ...planned, target: 'CN=y,DC=contoso,DC=test', outcome: 'succeeded' });
    expect(entry).not.toHaveProperty('error');
    expect(log.verify().status).toBe('intact');
  });

  it('records it as failed with the error, or without one when there is none', () => {
    const log = new AuditLog(dir);
    expect(log.begin(planned).failed('Access is denied.')).toMatchObject({ ...planned, outcome: 'failed', error: 'Access is denied.' });
    expect(log.begin(planned).failed(undefined)).not.toHaveProperty('error');
    expect(log.read().entries).toHaveLength(2);
  });
});
