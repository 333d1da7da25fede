import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The lab's fixed facts (lab.md is the contract): forest names, addresses, accounts and where
 * the provisioned data lives — outside the repository, under UMC_LAB_DIR (default /var/lib/umc-lab).
 */
export const LAB_PASSWORD = 'Lab-Passw0rd!';
export const labRoot = process.env.UMC_LAB_DIR ?? '/var/lib/umc-lab';
export const descriptorPath = join(labRoot, 'lab.json');

/**
 * The variables that tell a console where this lab is: UMC_LAB_STATE (a lab.json) when the caller
 * gave one, else UMC_LAB_DIR. The console has no default location and reads no lab descriptor
 * unless told (electron/services/profiles/lab-descriptor.ts), so the tests, the demo and the
 * benchmarks pass these to every console they start.
 */
export function labLocationEnv(): { UMC_LAB_STATE: string } | { UMC_LAB_DIR: string } {
  return process.env.UMC_LAB_STATE ? { UMC_LAB_STATE: process.env.UMC_LAB_STATE } : { UMC_LAB_DIR: labRoot };
}

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const labModulePath = join(repoRoot, 'test/lab/powershell/UmLab/UmLab.psd1');

export interface ForestSpec {
  key: 'contoso' | 'fabrikam';
  dnsName: string;
  netbios: string;
  orgName: string;
  dcHost: string;
  address: string;
  role: 'lync-exchange' | 'exchange-resource';
}

/**
 * The loopback addresses of the two DCs: 127.0.0.1 and 127.0.0.2, or UMC_LAB_ADDRESSES
 * ("127.0.1.1,127.0.1.2") so a second lab (with its own UMC_LAB_DIR) can run beside the first.
 */
const [contosoAddress = '127.0.0.1', fabrikamAddress = '127.0.0.2'] = (process.env.UMC_LAB_ADDRESSES ?? '').split(',').filter(Boolean);

export const forests: Record<ForestSpec['key'], ForestSpec> = {
  contoso: { key: 'contoso', dnsName: 'contoso.test', netbios: 'CONTOSO', orgName: 'Contoso', dcHost: 'dc1', address: contosoAddress, role: 'lync-exchange' },
  fabrikam: {
    key: 'fabrikam',
    dnsName: 'fabrikam.test',
    netbios: 'FABRIKAM',
    orgName: 'Fabrikam',
    dcHost: 'dc1',
    address: fabrikamAddress,
    role: 'exchange-resource',
  },
};

export function forestDir(forest: ForestSpec): string {
  return join(labRoot, forest.key);
}

export function domainDn(forest: ForestSpec): string {
  return forest.dnsName
    .split('.')
    .map((p) => `DC=${p}`)
    .join(',');
}

export function configDn(forest: ForestSpec): string {
  return `CN=Configuration,${domainDn(forest)}`;
}

export function schemaDn(forest: ForestSpec): string {
  return `CN=Schema,${configDn(forest)}`;
}

export function orgDn(forest: ForestSpec): string {
  return `CN=${forest.orgName},CN=Microsoft Exchange,CN=Services,${configDn(forest)}`;
}

export function labOuDn(forest: ForestSpec): string {
  return `OU=Lab,${domainDn(forest)}`;
}

/** The lab accounts of lab.md and the groups each belongs to. */
export const labAccounts: Array<{ name: string; groups: string[] }> = [
  { name: 'lab-readonly', groups: ['RTCUniversalReadOnlyAdmins'] },
  { name: 'lab-useradmin', groups: ['RTCUniversalUserAdmins'] },
  { name: 'lab-serveradmin', groups: ['RTCUniversalServerAdmins'] },
  { name: 'lab-umadmin', groups: ['RTCUniversalServerAdmins', 'RTCUniversalUserAdmins'] },
  { name: 'lab-exchadmin', groups: ['Organization Management'] },
];

/** What `up` was last asked for; a different request re-provisions. */
export interface LabParameters {
  users: number;
  forests: 1 | 2;
}

export const defaultParameters: LabParameters = { users: 500, forests: 1 };
