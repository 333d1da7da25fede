import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The lab descriptor's CA file, found as the console finds it (UMC_LAB_STATE, UMC_LAB_DIR, default). */
/** The running lab's descriptor (lab.json), found as the console finds it. */
export function labDescriptor(): { caFile: string; cmsFile?: string; forests: Array<{ host: string; role: string }> } {
  const path = process.env.UMC_LAB_STATE ?? join(process.env.UMC_LAB_DIR ?? '/var/lib/umc-lab', 'lab.json');
  if (!existsSync(path)) throw new Error('The lab is not up: run npm run lab -- up --forests 2');
  return JSON.parse(readFileSync(path, 'utf8')) as { caFile: string; cmsFile?: string; forests: Array<{ host: string; role: string }> };
}

/**
 * Changes the lab directory behind the console's back, as another admin would, with OpenLDAP's
 * ldapmodify over LDAPS as Administrator: for setting up and cleaning up what a spec needs.
 */
export function labModify(ldif: string, options: { ignoreMissing?: boolean } = {}): void {
  const lab = labDescriptor();
  const host = lab.forests.find((f) => f.role === 'lync-exchange')!.host;
  const result = spawnSync('ldapmodify', ['-H', `ldaps://${host}`, '-x', '-D', 'Administrator@contoso.test', '-w', 'Lab-Passw0rd!', ...(options.ignoreMissing ? ['-c'] : [])], {
    input: ldif,
    encoding: 'utf8',
    env: { ...process.env, LDAPTLS_CACERT: lab.caFile, LDAPTLS_REQCERT: 'demand' },
  });
  if (result.status !== 0 && !(options.ignoreMissing && /No such object/.test(result.stderr))) throw new Error(`ldapmodify failed: ${result.stderr}`);
}
