import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The file `npm run lab -- up` writes to describe the running lab. When it exists the console
 * offers built-in lab profiles; on an admin's machine it does not exist and nothing changes.
 */
export const labDescriptorSchema = z.object({
  format: z.literal(1),
  caFile: z.string(),
  /** The CA as an OpenSSL hashed directory, for the lab PowerShell module's LDAP client. */
  caDirectory: z.string(),
  modulePath: z.string(),
  callLog: z.string().optional(),
  /** Lync's Central Management Store stand-in: pools and their services, dial plans, media configuration. */
  cmsFile: z.string().optional(),
  /** The Exchange servers' certificate stores (what Get-ExchangeCertificate shows). */
  exchangeStateFile: z.string().optional(),
  /** A krb5.conf naming the lab realms and their KDCs (the DCs), for Kerberos sign-in tests. */
  krb5Config: z.string().optional(),
  forests: z
    .array(
      z.object({
        dnsName: z.string(),
        netbios: z.string(),
        host: z.string(),
        /** The DC's DNS name (dc1.contoso.test): Kerberos names the LDAP service by it. */
        dcHostName: z.string().optional(),
        ldapsPort: z.number().int(),
        ldapPort: z.number().int(),
        role: z.enum(['lync-exchange', 'exchange-resource']),
      }),
    )
    .min(1),
});
export type LabDescriptor = z.infer<typeof labDescriptorSchema>;

export const defaultLabDescriptorPath = '/var/lib/umc-lab/lab.json';

/** Reads the lab descriptor (UMC_LAB_STATE, else UMC_LAB_DIR/lab.json, else the default path); undefined when there is no lab. */
export function readLabDescriptor(env: NodeJS.ProcessEnv = process.env): LabDescriptor | undefined {
  const path = env.UMC_LAB_STATE ?? (env.UMC_LAB_DIR ? join(env.UMC_LAB_DIR, 'lab.json') : defaultLabDescriptorPath);
  if (env.UMC_NO_LAB === '1' || !existsSync(path)) return undefined;
  try {
    return labDescriptorSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return undefined;
  }
}
