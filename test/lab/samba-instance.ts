import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { caCertFile, ensureDcCertificate } from './certificates';
import { LabDirectory } from './lab-directory';
import { forestDir, LAB_PASSWORD, type ForestSpec } from './lab-config';

/** One Samba AD DC serving one lab forest on its own loopback address (LDAP 389, LDAPS 636). */
export class SambaInstance {
  readonly dir: string;
  readonly dataDir: string;
  readonly snapshotDir: string;
  readonly confFile: string;

  constructor(readonly forest: ForestSpec) {
    this.dir = forestDir(forest);
    this.dataDir = join(this.dir, 'samba');
    this.snapshotDir = join(this.dir, 'snapshot');
    this.confFile = join(this.dataDir, 'etc', 'smb.conf');
  }

  get provisioned(): boolean {
    return existsSync(join(this.dataDir, 'private', 'sam.ldb'));
  }

  get hasSnapshot(): boolean {
    return existsSync(join(this.snapshotDir, 'private', 'sam.ldb'));
  }

  /** A fresh domain: about five seconds. Anything there before is removed. */
  provision(): void {
    this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
    rmSync(this.snapshotDir, { recursive: true, force: true });
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    const result = spawnSync(
      'samba-tool',
      [
        'domain',
        'provision',
        `--realm=${this.forest.dnsName.toUpperCase()}`,
        `--domain=${this.forest.netbios}`,
        '--server-role=dc',
        '--dns-backend=NONE',
        `--host-name=${this.forest.dcHost}`,
        `--adminpass=${LAB_PASSWORD}`,
        `--targetdir=${this.dataDir}`,
        `--option=interfaces=${this.forest.address}/32`,
        '--option=bind interfaces only=yes',
      ],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`samba-tool domain provision failed for ${this.forest.dnsName}:\n${result.stderr.slice(-2000)}`);
    this.writeConfig();
  }

  /**
   * LDAP plus the KDC (Kerberos sign-in tests get tickets from it with kinit). Strong auth:
   * "allow_sasl_over_tls allows simple and sasl binds (without sign or seal) over TLS encrypted
   * connections. Unencrypted connections only allow sasl binds with sign or seal" (smb.conf,
   * Samba 4.17) — the same as "yes" for simple binds (TLS only), and it admits a GSSAPI bind over
   * LDAPS without a SASL layer, as AD does with LdapEnforceChannelBinding 0 or 1 (docs/sources.md
   * S36). Samba 4.17 has no channel binding, so the lab cannot model AD's "Always".
   */
  private writeConfig(): void {
    const tls = ensureDcCertificate(this.forest, join(this.dir, 'tls'));
    const d = this.dataDir;
    writeFileSync(
      this.confFile,
      `# Written by the UM Integration Console lab (test/lab). LDAP and the KDC, on loopback.
[global]
\tnetbios name = ${this.forest.dcHost.toUpperCase()}
\trealm = ${this.forest.dnsName.toUpperCase()}
\tworkgroup = ${this.forest.netbios}
\tserver role = active directory domain controller
\tserver services = ldap kdc
\tinterfaces = ${this.forest.address}/32
\tbind interfaces only = yes
\tprivate dir = ${d}/private
\tstate directory = ${d}/state
\tcache directory = ${d}/cache
\tlock directory = ${d}/lock
\tpid directory = ${d}/pid
\tbinddns dir = ${d}/bind-dns
\tlog file = ${this.dir}/samba.log
\tmax log size = 10000
\ttls enabled = yes
\ttls keyfile = ${tls.key}
\ttls certfile = ${tls.cert}
\ttls cafile = ${caCertFile}
\tdsdb:schema update allowed = true
\tldap server require strong auth = allow_sasl_over_tls
`,
    );
    for (const sub of ['lock', 'pid', 'cache', 'state']) mkdirSync(join(d, sub), { recursive: true });
  }

  /**
   * The DC's service principal names — ldap/dc1.contoso.test, GC/dc1.contoso.test/contoso.test and
   * the rest a Windows DC registers for itself. Samba adds them from its dnsupdate service, which
   * the lab does not run; without them the KDC cannot issue an LDAP service ticket.
   */
  registerServicePrincipalNames(): void {
    const result = spawnSync('samba_spnupdate', ['-s', this.confFile], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`samba_spnupdate failed for ${this.forest.dnsName}:\n${(result.stderr || result.stdout).slice(-2000)}`);
  }

  private pidFile(): string {
    return join(this.dataDir, 'pid', 'samba.pid');
  }

  private pid(): number | undefined {
    if (!existsSync(this.pidFile())) return undefined;
    const pid = Number(readFileSync(this.pidFile(), 'utf8').trim());
    if (!pid) return undefined;
    try {
      process.kill(pid, 0);
      return pid;
    } catch {
      return undefined;
    }
  }

  get running(): boolean {
    return this.pid() !== undefined;
  }

  /** Starts the DC as a daemon (single process model) and waits until LDAPS answers a bind. */
  async start(): Promise<void> {
    if (!this.running) {
      ensureLoopbackAddress(this.forest.address);
      execFileSync('samba', ['-D', '-M', 'single', '-s', this.confFile], { stdio: 'ignore' });
    }
    await this.waitUntilAnswering();
  }

  stop(): void {
    const pid = this.pid();
    if (!pid) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      spawnSync('sleep', ['0.2']);
    }
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  /** True when a TLS handshake verified against the lab CA succeeds and Administrator can bind. */
  async answers(): Promise<boolean> {
    const handshake = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: this.forest.address, port: 636, ca: [readFileSync(caCertFile)], timeout: 3000 }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
      socket.on('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (!handshake) return false;
    try {
      const dir = await LabDirectory.open(this.forest);
      await dir.close();
      return true;
    } catch {
      return false;
    }
  }

  async waitUntilAnswering(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await this.answers()) return;
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error(`The ${this.forest.dnsName} DC did not answer on LDAPS within ${timeoutMs / 1000}s; see ${join(this.dir, 'samba.log')}`);
  }

  /** Copies the seeded databases aside (the DC must be stopped) so reset can restore them. */
  snapshot(): void {
    this.stop();
    rmSync(this.snapshotDir, { recursive: true, force: true });
    execFileSync('cp', ['-a', this.dataDir, this.snapshotDir]);
  }

  /** Puts the seeded databases back: the reset path, a few seconds. */
  restore(): void {
    if (!this.hasSnapshot) throw new Error(`No seeded snapshot for ${this.forest.dnsName}; run npm run lab -- up`);
    this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
    execFileSync('cp', ['-a', this.snapshotDir, this.dataDir]);
  }
}

/** 127.0.0.2 must be an address of lo for Samba's "interfaces" to bind to it. */
function ensureLoopbackAddress(address: string): void {
  if (address === '127.0.0.1') return;
  const shown = spawnSync('ip', ['-4', 'addr', 'show', 'dev', 'lo'], { encoding: 'utf8' });
  if (shown.stdout?.includes(`${address}/`)) return;
  const added = spawnSync('ip', ['addr', 'add', `${address}/32`, 'dev', 'lo'], { encoding: 'utf8' });
  if (added.status !== 0 && !/exists/i.test(added.stderr)) throw new Error(`Could not add ${address} to lo: ${added.stderr}`);
}
