import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PsHistoryEntry } from '@shared/models/powershell';
import { EventBus } from '../../electron/services/core/event-bus';
import { PowerShellHistory } from '../../electron/services/powershell/powershell-history';

/** The console's PowerShell view history: a clear empties the view and loses nothing; the files rotate within a bound. */
const entry = (n: number): PsHistoryEntry => ({
  id: `id-${n}`,
  at: new Date(Date.UTC(2024, 0, 1, 0, 0, n)).toISOString(),
  profile: 'lab',
  target: 'exchange',
  command: 'Get-UMDialPlan',
  parameters: { Identity: `plan-${n}` },
  script: `Get-UMDialPlan -Identity 'plan-${n}'`,
  durationMs: 5,
  ok: true,
  errors: [],
  warnings: [],
  outputCount: 1,
});

/** Every history file in the folder, oldest content first, as one text. */
function everythingOnDisk(dir: string): string {
  const files = readdirSync(dir).filter((f) => f.startsWith('powershell-history.jsonl'));
  const generation = (f: string) => Number(f.slice('powershell-history.jsonl'.length).replace('.', '') || 0);
  return files
    .sort((a, b) => generation(b) - generation(a))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('');
}

const folders: string[] = [];
const folder = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'umc-pshistory-'));
  folders.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('PowerShell history', () => {
  it('clears the view without destroying what was recorded, however many times, and keeps the clear across restarts', () => {
    const dir = folder();
    const history = new PowerShellHistory(dir, new EventBus());
    history.record(entry(1));
    history.record(entry(2));
    history.clear();
    expect(history.list()).toEqual([]);
    history.record(entry(3));
    history.clear();
    history.record(entry(4));
    expect(history.list().map((e) => e.id)).toEqual(['id-4']);
    const disk = everythingOnDisk(dir);
    for (const n of [1, 2, 3, 4]) expect(disk).toContain(`"id-${n}"`);
    // Opened again (the app restarted): the view still starts after the last clear.
    expect(new PowerShellHistory(dir, new EventBus()).list().map((e) => e.id)).toEqual(['id-4']);
  });

  it('rotates its files within a bound, keeping the newest', () => {
    const dir = folder();
    const rotateAtBytes = 4096;
    const keepRotated = 3;
    const history = new PowerShellHistory(dir, new EventBus(), { rotateAtBytes, keepRotated, keepInMemory: 50 });
    for (let n = 0; n < 500; n++) history.record(entry(n));
    const files = readdirSync(dir)
      .filter((f) => f.startsWith('powershell-history.jsonl'))
      .sort();
    expect(files).toEqual(['powershell-history.jsonl', 'powershell-history.jsonl.1', 'powershell-history.jsonl.2', 'powershell-history.jsonl.3']);
    const line = JSON.stringify(entry(499)).length + 1;
    for (const f of files) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(rotateAtBytes + line);
    const disk = everythingOnDisk(dir);
    expect(disk).toContain('"id-499"');
    expect(disk).not.toContain('"id-0"');
    // What is on disk is a contiguous run of the newest entries.
    const ids = disk
      .split('\n')
      .filter(Boolean)
      .map((l) => Number((JSON.parse(l) as { id: string }).id.slice(3)));
    expect(ids).toEqual(ids.map((_, i) => 500 - ids.length + i));
    expect(history.list(1000)).toHaveLength(50);
    expect(history.list(1)[0]!.id).toBe('id-499');
  });
});
