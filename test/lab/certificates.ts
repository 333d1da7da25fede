import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labRoot, type ForestSpec } from './lab-config';

export const caDir = join(labRoot, 'ca');
export const caCertFile = join(caDir, 'lab-ca.pem');
/** The CA in OpenSSL's hashed-directory form, which .NET's LDAP client on Linux takes (TrustedCertificatesDirectory). */
export const caTrustedDir = join(caDir, 'trusted');
const caKeyFile = join(caDir, 'lab-ca.key');

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** The lab CA: the issuer of every DC certificate, exported for the console's profiles to trust. */
export function ensureLabCa(): void {
  if (existsSync(caCertFile) && existsSync(caKeyFile)) return ensureTrustedDir();
  mkdirSync(caDir, { recursive: true, mode: 0o700 });
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '3650',
    '-keyout',
    caKeyFile,
    '-out',
    caCertFile,
    '-subj',
    '/O=UM Integration Console Lab/CN=UM Lab Root CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  ensureTrustedDir();
}

function ensureTrustedDir(): void {
  if (existsSync(join(caTrustedDir, 'lab-ca.pem'))) return;
  mkdirSync(caTrustedDir, { recursive: true });
  copyFileSync(caCertFile, join(caTrustedDir, 'lab-ca.pem'));
  openssl(['rehash', caTrustedDir]);
}

/**
 * A DC certificate issued by the lab CA naming the DC's FQDN, the domain and its loopback address,
 * so clients verify chain and name exactly as they would in production.
 */
export function ensureDcCertificate(forest: ForestSpec, dir: string): { cert: string; key: string } {
  const cert = join(dir, 'dc.pem');
  const key = join(dir, 'dc.key');
  if (existsSync(cert) && existsSync(key)) return { cert, key };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fqdn = `${forest.dcHost}.${forest.dnsName}`;
  const csr = join(dir, 'dc.csr');
  const ext = join(dir, 'dc.ext');
  writeFileSync(
    ext,
    [
      `subjectAltName=DNS:${fqdn},DNS:${forest.dnsName},IP:${forest.address}`,
      'extendedKeyUsage=serverAuth',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'basicConstraints=critical,CA:FALSE',
    ].join('\n'),
  );
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${fqdn}`]);
  openssl(['x509', '-req', '-in', csr, '-CA', caCertFile, '-CAkey', caKeyFile, '-CAcreateserial', '-out', cert, '-days', '3650', '-extfile', ext]);
  return { cert, key };
}
