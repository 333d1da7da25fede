import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { AceFlag } from '../../../electron/services/directory/security-descriptor/model';
import { canonicalizeAces } from '../../../electron/services/directory/security-descriptor/ace-list';
import { encodeDaclWrite, parseSecurityDescriptor } from '../../../electron/services/directory/security-descriptor/binary';
import { fromSddl } from '../../../electron/services/directory/security-descriptor/sddl';
import { readLabDescriptor, type LabDescriptor } from '../../../electron/services/profiles/lab-descriptor';
import { labLocationEnv } from '../../lab/lab-config';

/** The running lab's descriptor (lab.json), found as the console started by global-setup.ts finds it. */
export function labDescriptor(): LabDescriptor {
  const lab = readLabDescriptor({ ...process.env, ...labLocationEnv() }, { packaged: false });
  if (!lab) throw new Error('The lab is not up: run npm run lab -- up --forests 2');
  return lab;
}

/**
 * Changes the lab directory behind the console's back, as another admin would, with OpenLDAP's
 * ldapmodify over LDAPS as Administrator: for setting up and cleaning up what a spec needs.
 */
export function labModify(ldif: string, options: { ignoreMissing?: boolean } = {}): void {
  const lab = labDescriptor();
  const host = lab.forests.find((f) => f.role === 'lync-exchange')!.host;
  const result = spawnSync(
    'ldapmodify',
    ['-H', `ldaps://${host}`, '-x', '-D', 'Administrator@contoso.test', '-w', 'Lab-Passw0rd!', ...(options.ignoreMissing ? ['-c'] : [])],
    {
      input: ldif,
      encoding: 'utf8',
      env: { ...process.env, LDAPTLS_CACERT: lab.caFile, LDAPTLS_REQCERT: 'demand' },
    },
  );
  if (result.status !== 0 && !(options.ignoreMissing && /No such object/.test(result.stderr))) throw new Error(`ldapmodify failed: ${result.stderr}`);
}

/**
 * Adds an access entry (SDDL, e.g. `(A;;RP;;;AO)`) to an object's DACL behind the console's
 * back, as another admin would: the DACL read with the SD-flags control (DACL only) and written
 * back with ldapmodify; Samba keeps the owner and group the value leaves out.
 */
export function labAddAce(dn: string, sddlAce: string): void {
  const lab = labDescriptor();
  const host = lab.forests.find((f) => f.role === 'lync-exchange')!.host;
  const env = { ...process.env, LDAPTLS_CACERT: lab.caFile, LDAPTLS_REQCERT: 'demand' };
  const bind = ['-H', `ldaps://${host}`, '-x', '-D', 'Administrator@contoso.test', '-w', 'Lab-Passw0rd!'];
  // SD flags = DACL: the control value is SEQUENCE { INTEGER 4 }.
  const read = spawnSync(
    'ldapsearch',
    ['-LLL', '-o', 'ldif-wrap=no', ...bind, '-E', '!1.2.840.113556.1.4.801=::MAMCAQQ=', '-b', dn, '-s', 'base', 'nTSecurityDescriptor'],
    { encoding: 'utf8', env },
  );
  const base64 = /^nTSecurityDescriptor:: (\S+)$/m.exec(read.stdout)?.[1];
  if (read.status !== 0 || !base64) throw new Error(`ldapsearch of ${dn}'s DACL failed: ${read.stderr}`);
  const sd = parseSecurityDescriptor(Buffer.from(base64, 'base64'));
  const explicit = (sd.dacl?.aces ?? []).filter((a) => !(a.flags & AceFlag.INHERITED));
  const value = encodeDaclWrite({ ...sd, dacl: { revision: 4, aces: canonicalizeAces([...explicit, ...fromSddl(`D:${sddlAce}`).dacl!.aces]) } });
  labModify(`dn: ${dn}\nchangetype: modify\nreplace: nTSecurityDescriptor\nnTSecurityDescriptor:: ${value.toString('base64')}\n-\n`);
}

/** Puts lab users back to their seeded, not-UM-enabled state (one ldapmodify for all); `noProxy` are those seeded without a sip: proxy. */
export function disableUmUsers(sams: string[], noProxy: string[] = []): void {
  const entries = sams.map((user) => {
    const upn = `${user}@contoso.test`;
    const proxies = noProxy.includes(user) ? `proxyAddresses: SMTP:${upn}\n` : `proxyAddresses: SMTP:${upn}\nproxyAddresses: sip:${upn}\n`;
    return `dn: CN=${user},OU=Users,OU=Lab,DC=contoso,DC=test\nchangetype: modify\nreplace: msExchUMEnabledFlags\nmsExchUMEnabledFlags: 830\n-\nreplace: msExchUMTemplateLink\n-\nreplace: msExchUMRecipientDialPlanLink\n-\nreplace: msExchUMDtmfMap\n-\nreplace: msExchUMPinChecksum\n-\nreplace: proxyAddresses\n${proxies}-\n`;
  });
  labModify(entries.join('\n'));
}

/** `npm run lab -- realistic …|off`: the lab's Exchange endpoints' latency and throttling (docs/lab.md). */
export function labRealistic(...args: string[]): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'test/lab/lab.ts', 'realistic', ...args], {
    cwd: join(import.meta.dirname, '../../..'),
    encoding: 'utf8',
    env: { ...process.env, ...labLocationEnv() },
  });
  if (result.status !== 0) throw new Error(`lab realistic ${args.join(' ')} failed: ${result.stderr}`);
}
