import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caCertFile, caTrustedDir, ensureLabCa } from './certificates';
import { exchangeCommand, exchangeEndpointsDirectory, exchangeServers, realisticCommand, resetExchangeEndpoints } from './exchange-endpoints';
import { LabDirectory } from './lab-directory';
import {
  defaultParameters,
  descriptorPath,
  forests,
  labLocationEnv,
  labModulePath,
  labRoot,
  repoRoot,
  type ForestSpec,
  type LabParameters,
} from './lab-config';
import { SambaInstance } from './samba-instance';
import { extendSchema } from './schema-extension';
import { seedContoso, seedFabrikam } from './seed';
import { exchangeCertificates, lyncCms } from './seed-outside-ad';

/**
 * `npm run lab -- up|down|reset|status [--users N] [--forests 1|2]` — the lab of lab.md.
 * up: installs what is missing, provisions and seeds once (then snapshots), starts, waits for
 * LDAPS; quick when already provisioned. reset: restores the seeded snapshot. status: exit 0 only
 * when every DC answers. `npm run lab -- run <command…>` runs a command (the demo's web host) told
 * where this lab is, since the console finds no lab by itself. `realistic` and `exchange` set the
 * lab's Exchange endpoints' latency, throttling budgets and outages (exchange-endpoints.ts).
 */
const parametersFile = join(labRoot, 'parameters.json');
export const callLogPath = join(labRoot, 'powershell-calls.log');
const cmsFile = join(labRoot, 'cms.json');
const exchangeStateFile = join(labRoot, 'exchange-certificates.json');
export const krb5ConfigPath = join(labRoot, 'krb5.conf');

const log = (message: string) => process.stderr.write(`[lab] ${message}\n`);

function parseArgs(argv: string[]): { command: string; requested: Partial<LabParameters> } {
  const [command = 'status', ...rest] = argv;
  const requested: Partial<LabParameters> = {};
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = Number(rest[i + 1]);
    if (flag === '--users' && Number.isInteger(value) && value >= 0 && value <= 100_000) {
      requested.users = value;
      i++;
    } else if (flag === '--forests' && (value === 1 || value === 2)) {
      requested.forests = value;
      i++;
    } else {
      throw new Error(`Unknown or invalid option: ${flag}. Usage: lab up|down|reset|status [--users N] [--forests 1|2]`);
    }
  }
  return { command, requested };
}

/**
 * A fingerprint of the lab's own code: a changed seed re-provisions on the next `up`. The Exchange
 * endpoints' realistic mode is read at run time and writes nothing to the directory, so its file
 * is left out.
 */
function seedVersion(): string {
  const hash = createHash('sha256');
  const labDir = join(repoRoot, 'test/lab');
  for (const file of readdirSync(labDir)
    .filter((f) => f.endsWith('.ts') && f !== 'exchange-endpoints.ts')
    .sort())
    hash.update(readFileSync(join(labDir, file)));
  // The lab's own transcription of Grant-CsOUPermission's table [S6] feeds the seed too.
  for (const shared of ['test/lab/powershell/grant-csoupermission.json', 'test/lab/sddl-to-binary.py']) hash.update(readFileSync(join(repoRoot, shared)));
  return hash.digest('hex').slice(0, 16);
}

interface StoredParameters extends LabParameters {
  seedVersion: string;
}

function readStored(): StoredParameters | undefined {
  try {
    return JSON.parse(readFileSync(parametersFile, 'utf8')) as StoredParameters;
  } catch {
    return undefined;
  }
}

const wantedForests = (p: LabParameters): ForestSpec[] => (p.forests === 2 ? [forests.contoso, forests.fabrikam] : [forests.contoso]);

/** What the products keep outside AD (seed-outside-ad.ts), rewritten at every up and reset. */
function writeOutsideAd(): void {
  writeFileSync(cmsFile, `${JSON.stringify(lyncCms(), null, 2)}\n`);
  writeFileSync(exchangeStateFile, `${JSON.stringify(exchangeCertificates(), null, 2)}\n`);
}

/**
 * A krb5.conf for the lab realms, each DC its own KDC. Nothing is looked up in DNS (the lab has
 * none) and host names are taken as given: the LDAP service is ldap/dc1.contoso.test.
 */
function writeKrb5Config(p: LabParameters): void {
  const realms = wantedForests(p);
  writeFileSync(
    krb5ConfigPath,
    [
      '# Written by the UM Integration Console lab (test/lab): KRB5_CONFIG for kinit and the console.',
      '[libdefaults]',
      `  default_realm = ${forests.contoso.dnsName.toUpperCase()}`,
      '  dns_lookup_kdc = false',
      '  dns_lookup_realm = false',
      '  dns_canonicalize_hostname = false',
      '  rdns = false',
      '[realms]',
      ...realms.map((f) => `  ${f.dnsName.toUpperCase()} = {\n    kdc = ${f.address}\n  }`),
      '[domain_realm]',
      ...realms.flatMap((f) => [`  .${f.dnsName} = ${f.dnsName.toUpperCase()}`, `  ${f.dnsName} = ${f.dnsName.toUpperCase()}`]),
      '',
    ].join('\n'),
  );
}

function writeDescriptor(p: LabParameters): void {
  writeOutsideAd();
  writeKrb5Config(p);
  const descriptor = {
    format: 1,
    caFile: caCertFile,
    caDirectory: caTrustedDir,
    modulePath: labModulePath,
    callLog: callLogPath,
    cmsFile,
    exchangeStateFile,
    krb5Config: krb5ConfigPath,
    exchangeServers,
    exchangeEndpointsDirectory,
    forests: wantedForests(p).map((f) => ({
      dnsName: f.dnsName,
      netbios: f.netbios,
      host: f.address,
      dcHostName: `${f.dcHost}.${f.dnsName}`,
      ldapsPort: 636,
      ldapPort: 389,
      role: f.role,
    })),
  };
  writeFileSync(descriptorPath, `${JSON.stringify(descriptor, null, 2)}\n`);
}

async function provisionAndSeed(p: LabParameters): Promise<void> {
  const instances = wantedForests(p).map((f) => new SambaInstance(f));
  for (const instance of instances) {
    log(`provisioning ${instance.forest.dnsName}`);
    instance.provision();
    await instance.start();
    instance.registerServicePrincipalNames();
    const dir = await LabDirectory.open(instance.forest);
    await extendSchema(dir, instance.forest);
    await dir.close();
  }
  const contoso = await LabDirectory.open(forests.contoso);
  await seedContoso(contoso, p.users, p.forests === 2, log);
  if (p.forests === 2) {
    const fabrikam = await LabDirectory.open(forests.fabrikam);
    await seedFabrikam(fabrikam, contoso);
    await fabrikam.close();
  }
  await contoso.close();
  for (const instance of instances) {
    instance.snapshot();
    await instance.start();
  }
}

async function up(requested: Partial<LabParameters>): Promise<void> {
  const started = Date.now();
  const install = spawnSync('bash', [join(repoRoot, 'test/lab/install-prerequisites.sh'), 'lab'], { stdio: 'inherit' });
  if (install.status !== 0) throw new Error('Installing the lab prerequisites failed.');
  mkdirSync(labRoot, { recursive: true, mode: 0o700 });
  ensureLabCa();
  const stored = readStored();
  // Options not given keep what the lab was last provisioned with (or the defaults).
  const p: LabParameters = { ...defaultParameters, ...(stored ? { users: stored.users, forests: stored.forests } : {}), ...requested };
  const version = seedVersion();
  const instances = wantedForests(p).map((f) => new SambaInstance(f));
  const fresh = !stored || stored.users !== p.users || stored.forests !== p.forests || stored.seedVersion !== version || instances.some((i) => !i.hasSnapshot);
  if (fresh) {
    await provisionAndSeed(p);
    writeFileSync(parametersFile, JSON.stringify({ ...p, seedVersion: version }));
  } else {
    for (const instance of instances) await instance.start();
  }
  if (p.forests === 1) new SambaInstance(forests.fabrikam).stop();
  writeDescriptor(p);
  if (!existsSync(callLogPath)) writeFileSync(callLogPath, '');
  resetExchangeEndpoints();
  log(
    `up: ${wantedForests(p)
      .map((f) => `${f.dnsName} on ${f.address}`)
      .join(', ')}; ${p.users} users; ${((Date.now() - started) / 1000).toFixed(1)}s${fresh ? ' (provisioned and seeded)' : ''}`,
  );
  log(`descriptor: ${descriptorPath}; lab CA: ${caCertFile}`);
}

async function reset(): Promise<void> {
  const started = Date.now();
  const stored = readStored();
  if (!stored) throw new Error('The lab was never brought up; run npm run lab -- up');
  for (const f of wantedForests(stored)) {
    const instance = new SambaInstance(f);
    instance.restore();
    await instance.start();
  }
  writeFileSync(callLogPath, '');
  resetExchangeEndpoints();
  writeDescriptor(stored);
  log(`reset to the seeded state in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

function down(): void {
  for (const f of Object.values(forests)) new SambaInstance(f).stop();
  log('down');
}

async function status(): Promise<boolean> {
  const stored = readStored();
  if (!stored) {
    log('not provisioned');
    return false;
  }
  let ok = true;
  for (const f of wantedForests(stored)) {
    const instance = new SambaInstance(f);
    const answers = instance.running && (await instance.answers());
    ok &&= answers;
    process.stdout.write(
      `${f.dnsName.padEnd(14)} ${f.address.padEnd(10)} ${instance.running ? 'running' : 'stopped'}  ${answers ? 'LDAPS answers' : 'LDAPS does not answer'}\n`,
    );
  }
  process.stdout.write(`users ${stored.users}, forests ${stored.forests}, descriptor ${existsSync(descriptorPath) ? descriptorPath : 'missing'}\n`);
  return ok && existsSync(descriptorPath);
}

/** Runs a command with this lab's location in its environment and passes on its exit code. */
function runWithLab(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (!command) throw new Error('Usage: lab run <command> [arguments…]');
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...labLocationEnv() } });
  // Ctrl-C reaches the command too (same process group) and it decides when to stop; a SIGTERM
  // sent to this process alone is passed on.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.exitCode = code ?? (signal ? 1 : 0);
      resolve();
    });
  });
}

async function main(): Promise<void> {
  if (process.argv[2] === 'run') return runWithLab(process.argv.slice(3));
  if (process.argv[2] === 'realistic') return realisticCommand(process.argv.slice(3));
  if (process.argv[2] === 'exchange') return exchangeCommand(process.argv.slice(3));
  const { command, requested } = parseArgs(process.argv.slice(2));
  switch (command) {
    case 'up':
      return up(requested);
    case 'reset':
      return reset();
    case 'down':
      return down();
    case 'status':
      if (!(await status())) process.exitCode = 1;
      return;
    default:
      throw new Error(
        `Unknown command ${command}. Usage: lab up|down|reset|status [--users N] [--forests 1|2], lab realistic …, lab exchange down|up <server>, or lab run <command…>`,
      );
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
