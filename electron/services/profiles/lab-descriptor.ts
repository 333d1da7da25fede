import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The file `npm run lab -- up` writes to describe the running lab. A development run told where
 * it is (labDescriptorPath) offers built-in lab profiles; a packaged app never reads one.
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
  /** The Exchange servers whose remote PowerShell the lab module stands in for (test/lab/exchange-endpoints.ts). */
  exchangeServers: z.array(z.string()).optional(),
  /** Their realistic mode, outages and throttling state, read by the lab module at run time. */
  exchangeEndpointsDirectory: z.string().optional(),
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

/**
 * Where this run may read a lab descriptor, or undefined when it must not read one. Lab profiles
 * bind with the lab password, trust the descriptor's CA file and import its PowerShell module, so
 * the descriptor must come from a developer who asked for it:
 * - never in a packaged app, whatever the environment says;
 * - only from a location given explicitly (UMC_LAB_STATE, the file; or UMC_LAB_DIR, its folder).
 *   There is no default path: `/var/lib/umc-lab/lab.json` is `C:\var\lib\umc-lab\lab.json` on
 *   Windows, a folder any local user can create.
 */
export function labDescriptorPath(env: NodeJS.ProcessEnv, options: { packaged: boolean }): string | undefined {
  if (options.packaged) return undefined;
  if (env.UMC_LAB_STATE) return env.UMC_LAB_STATE;
  if (env.UMC_LAB_DIR) return join(env.UMC_LAB_DIR, 'lab.json');
  return undefined;
}

/** Reads the lab descriptor where labDescriptorPath allows; undefined when there is no lab. */
export function readLabDescriptor(env: NodeJS.ProcessEnv, options: { packaged: boolean }): LabDescriptor | undefined {
  const path = labDescriptorPath(env, options);
  if (!path || !existsSync(path)) return undefined;
  try {
    return labDescriptorSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return undefined;
  }
}
