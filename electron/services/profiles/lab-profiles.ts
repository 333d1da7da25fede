import type { Profile } from '@shared/models/profile';
import type { LabDescriptor } from './lab-descriptor';

/**
 * The lab's published password (lab.md). It protects nothing but a throwaway test directory on
 * loopback, and is used only for the built-in lab profiles below.
 */
export const LAB_PASSWORD = 'Lab-Passw0rd!';

const labAccounts: Array<{ profile: string; account: string; label: string }> = [
  { profile: 'lab', account: 'Administrator', label: 'Lab — Administrator' },
  { profile: 'lab-umadmin', account: 'lab-umadmin', label: 'Lab — RTC server + user admin' },
  { profile: 'lab-useradmin', account: 'lab-useradmin', label: 'Lab — RTCUniversalUserAdmins' },
  { profile: 'lab-serveradmin', account: 'lab-serveradmin', label: 'Lab — RTCUniversalServerAdmins' },
  { profile: 'lab-readonly', account: 'lab-readonly', label: 'Lab — RTCUniversalReadOnlyAdmins' },
  { profile: 'lab-exchadmin', account: 'lab-exchadmin', label: 'Lab — Exchange Organization Management' },
];

/** Built-in profiles for the running lab: they trust the lab CA; certificate checking stays on. */
export function labProfiles(lab: LabDescriptor): Profile[] {
  const profiles: Profile[] = [];
  const main = lab.forests.find((f) => f.role === 'lync-exchange');
  // Contoso's shells; its Exchange endpoint is the lab's first Exchange server (its realistic
  // mode, when on, applies). The other servers are for profiles that list several endpoints.
  const server = lab.exchangeServers?.[0];
  const shells = {
    exchange: { kind: 'lab', modulePath: lab.modulePath, ...(server ? { server } : {}) },
    lync: { kind: 'lab', modulePath: lab.modulePath },
  } as const;
  if (main) {
    for (const { profile, account, label } of labAccounts) {
      profiles.push({
        name: profile,
        label,
        directory: {
          host: main.host,
          port: main.ldapsPort,
          security: 'ldaps',
          caFile: lab.caFile,
          authentication: 'password',
          bindIdentity: `${account}@${main.dnsName}`,
          timeoutMs: 15_000,
        },
        ...shells,
      });
    }
  }
  const resource = lab.forests.find((f) => f.role === 'exchange-resource');
  if (resource) {
    profiles.push({
      name: 'lab-fabrikam',
      label: 'Lab — fabrikam.test (Exchange resource forest)',
      directory: {
        host: resource.host,
        port: resource.ldapsPort,
        security: 'ldaps',
        caFile: lab.caFile,
        authentication: 'password',
        bindIdentity: `Administrator@${resource.dnsName}`,
        timeoutMs: 15_000,
      },
      exchange: { kind: 'lab', modulePath: lab.modulePath },
    });
  }
  return profiles;
}
