import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPackagedBuild } from '../../electron/desktop-policy';
import { labDescriptorPath, readLabDescriptor } from '../../electron/services/profiles/lab-descriptor';
import { sampleLab } from '../fixtures/lab-descriptor';

function labDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'umc-lab-descriptor-'));
  writeFileSync(join(dir, 'lab.json'), JSON.stringify(sampleLab));
  return dir;
}

/**
 * Lab profiles bind with the lab password, trust the descriptor's CA file and import its module,
 * so a descriptor is read only by a run from source that was told where the lab is.
 */
describe('where the console looks for a lab', () => {
  it('has no default location: without UMC_LAB_DIR or UMC_LAB_STATE there is no lab', () => {
    expect(labDescriptorPath({}, { packaged: false })).toBeUndefined();
    expect(labDescriptorPath({ HOME: '/root', UMC_PASSWORD: 'x' }, { packaged: false })).toBeUndefined();
  });

  it('reads the location given explicitly, UMC_LAB_STATE before UMC_LAB_DIR', () => {
    const dir = labDir();
    expect(labDescriptorPath({ UMC_LAB_DIR: dir }, { packaged: false })).toBe(join(dir, 'lab.json'));
    expect(labDescriptorPath({ UMC_LAB_DIR: '/elsewhere', UMC_LAB_STATE: join(dir, 'lab.json') }, { packaged: false })).toBe(join(dir, 'lab.json'));
    expect(readLabDescriptor({ UMC_LAB_DIR: dir }, { packaged: false })).toEqual(sampleLab);
  });

  it('never reads one in a packaged app, whatever the environment says', () => {
    const dir = labDir();
    const env = { UMC_LAB_DIR: dir, UMC_LAB_STATE: join(dir, 'lab.json') };
    expect(labDescriptorPath(env, { packaged: true })).toBeUndefined();
    expect(readLabDescriptor(env, { packaged: true })).toBeUndefined();
  });
});

describe('how the desktop app decides it is packaged', () => {
  it('trusts Electron when it says packaged', () => {
    expect(isPackagedBuild({ isPackaged: true, appPath: '/home/dev/um-console' })).toBe(true);
  });

  it('is packaged when its code comes from an asar archive, even from an executable renamed electron.exe', () => {
    expect(isPackagedBuild({ isPackaged: false, appPath: 'C:\\Program Files\\UM Integration Console\\resources\\app.asar' })).toBe(true);
    expect(isPackagedBuild({ isPackaged: false, appPath: '/opt/UM Integration Console/resources/app.asar/' })).toBe(true);
  });

  it('runs from source when Electron says so and the code is a folder', () => {
    expect(isPackagedBuild({ isPackaged: false, appPath: '/home/dev/um-console' })).toBe(false);
    expect(isPackagedBuild({ isPackaged: false, appPath: '/home/dev/app.asar-notes' })).toBe(false);
  });
});
