import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppServices } from '../../electron/services/app-services';
import { DirectorySession } from '../../electron/services/directory/directory-session';
import { LAB_PASSWORD } from '../lab/lab-config';
import { createTestServices, requireLab } from './support/test-services';

/**
 * A jump box's paths: "C:\Users\陳大文\AppData\Roaming\UM Integration Console", a CA file on the
 * desktop of a user with a Chinese name, an install folder under Program Files. Spaces and any
 * script work everywhere; a network path for the CA file is refused.
 */
const lab = requireLab();
const contoso = lab.forests.find((f) => f.role === 'lync-exchange')!;
const root = mkdtempSync(join(tmpdir(), 'umc 視窗 '));
const opened: AppServices[] = [];
afterAll(async () => {
  for (const s of opened) await s.shutdown();
});

describe('paths with spaces and non-ASCII characters', () => {
  it('a CA file in such a folder is trusted', async () => {
    const folder = join(root, '陳大文 的桌面');
    mkdirSync(folder, { recursive: true });
    const caFile = join(folder, 'Contoso Root CA (根憑證).pem');
    copyFileSync(lab.caFile, caFile);
    const session = await DirectorySession.open(
      {
        host: contoso.host,
        port: contoso.ldapsPort,
        security: 'ldaps',
        caFile,
        authentication: 'password',
        bindIdentity: 'lab-readonly@contoso.test',
        timeoutMs: 10_000,
      },
      LAB_PASSWORD,
    );
    expect(session.rootDse.forestDnsName).toBe('contoso.test');
    await session.close();
  });

  it('the data folder keeps settings, confirmations and the audit log, and they are there after a restart', async () => {
    const dataDir = join(root, 'AppData Roaming', 'UM Integration Console 整合主控台');
    mkdirSync(dataDir, { recursive: true });
    const first = createTestServices(process.env, dataDir).services;
    opened.push(first);
    await first.connections.connect('lab-umadmin');
    await first.checklist.confirm({ stepId: 'voip-security', profile: 'lab-umadmin', note: '已確認 "Secured"' });
    await first.shutdown();
    opened.splice(opened.indexOf(first), 1);
    expect(readdirSync(dataDir).length).toBeGreaterThan(0);

    const second = createTestServices(process.env, dataDir).services;
    opened.push(second);
    await second.connections.connect('lab-umadmin');
    expect(second.audit.list({ limit: 10 }).find((e) => e.action === 'checklist.confirm')).toMatchObject({
      actor: { profile: 'lab-umadmin', identity: 'lab-umadmin@contoso.test' },
      target: 'voip-security',
    });
    await second.checklist.unconfirm({ stepId: 'voip-security', profile: 'lab-umadmin' });
  });

  it('the PowerShell bridge installed in such a folder loads and answers', async () => {
    const resources = join(root, 'Program Files', 'UM Integration Console 主控台', 'resources');
    cpSync(join(import.meta.dirname, '../../resources/powershell'), join(resources, 'powershell'), { recursive: true });
    expect(existsSync(join(resources, 'powershell', 'UmcBridge.ps1'))).toBe(true);
    const s = createTestServices({ ...process.env, UMC_RESOURCES_DIR: resources }).services;
    opened.push(s);
    const plans = await s.powershell.invoke('lab', 'exchange', 'Get-UMDialPlan', {});
    expect(plans.length).toBeGreaterThan(0);
  });
});

describe('a network path for the CA file', () => {
  const { dispatch } = createTestServices();
  it.each([['\\\\fileserver\\pki\\root.pem'], ['//fileserver/pki/root.pem'], ['\\\\?\\UNC\\fileserver\\pki\\root.pem']])(
    '%s is refused when the profile is saved, with the reason',
    async (caFile) => {
      const reply = await dispatch('profiles.save', {
        name: 'unc-ca',
        directory: {
          host: 'dc1.contoso.test',
          port: 636,
          security: 'ldaps',
          authentication: 'password',
          bindIdentity: 'admin@contoso.test',
          timeoutMs: 15_000,
          caFile,
        },
      });
      expect(reply).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT', details: [{ path: 'directory.caFile', message: expect.stringContaining('not a network (UNC) path') }] },
      });
    },
  );
});
