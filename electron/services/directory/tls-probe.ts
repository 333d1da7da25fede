import { X509Certificate } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { DirectorySecurity } from '@shared/models/profile';

/** What an admin needs to decide whether to trust a DC's certificate. */
export interface PresentedCertificate {
  subject: string;
  issuer: string;
  subjectAltName?: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  /** The root or highest certificate the DC sent, so the admin can see which CA to trust. */
  chain: Array<{ subject: string; issuer: string; fingerprint256: string }>;
}

// The StartTLS extended request (RFC 4511 §4.14), message id 1: a fixed byte string.
const START_TLS_REQUEST = Buffer.concat([Buffer.from([0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16]), Buffer.from('1.3.6.1.4.1.1466.20037', 'ascii')]);

/**
 * Connects once *without* verifying, only to read the certificate the DC presents after a
 * verification failure. Nothing is sent over this connection but the TLS handshake (and, for
 * StartTLS, the StartTLS request), so trusting nothing here is safe.
 */
export async function probeCertificate(host: string, port: number, security: DirectorySecurity, timeoutMs = 5000): Promise<PresentedCertificate | undefined> {
  let plain: Socket | undefined;
  try {
    if (security === 'starttls') plain = await startTlsSocket(host, port, timeoutMs);
    const socket = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ host, port, socket: plain, rejectUnauthorized: false, servername: isIp(host) ? undefined : host });
      const timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      s.once('secureConnect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    const leaf = socket.getPeerCertificate(true);
    socket.destroy();
    return describe(leaf);
  } catch {
    return undefined;
  } finally {
    plain?.destroy();
  }
}

function describe(leaf: PeerCertificate & { issuerCertificate?: PeerCertificate }): PresentedCertificate | undefined {
  if (!leaf?.raw) return undefined;
  const x509 = new X509Certificate(leaf.raw);
  const chain: PresentedCertificate['chain'] = [];
  const seen = new Set<string>();
  let current: (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined = leaf;
  while (current?.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    const cert = new X509Certificate(current.raw);
    chain.push({ subject: oneLine(cert.subject), issuer: oneLine(cert.issuer), fingerprint256: cert.fingerprint256 });
    current = current.issuerCertificate;
  }
  return {
    subject: oneLine(x509.subject),
    issuer: oneLine(x509.issuer),
    subjectAltName: x509.subjectAltName,
    validFrom: new Date(x509.validFrom).toISOString(),
    validTo: new Date(x509.validTo).toISOString(),
    fingerprint256: x509.fingerprint256,
    chain,
  };
}

function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

function isIp(host: string): boolean {
  return /^[0-9.]+$/.test(host) || host.includes(':');
}

function startTlsSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('timeout'));
    }, timeoutMs);
    socket.once('connect', () => socket.write(START_TLS_REQUEST));
    socket.once('data', (data) => {
      clearTimeout(timer);
      // An ExtendedResponse whose resultCode is success (0x0a 0x01 0x00) lets TLS start.
      if (data.includes(Buffer.from([0x0a, 0x01, 0x00]))) resolve(socket);
      else {
        socket.destroy();
        reject(new Error('StartTLS refused'));
      }
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
