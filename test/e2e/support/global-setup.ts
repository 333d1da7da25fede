import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLabDescriptor } from '../../../electron/services/profiles/lab-descriptor';
import { LAB_PASSWORD, labLocationEnv } from '../../lab/lab-config';

/** Where the web host's output goes (from the repository's root); .ci/run prints its end when a run fails. */
export const WEB_HOST_LOG = 'test-results/web-host.log';

/**
 * Starts the built web host against the lab with a fresh settings folder, waits for its ready
 * marker, and hands the tokened URL to the tests. Returns the teardown.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  // The console finds no lab by itself: the web host below and the spec workers are told where it is.
  Object.assign(process.env, labLocationEnv());
  const root = join(import.meta.dirname, '../../..');
  const dataDir = mkdtempSync(join(tmpdir(), 'umc-e2e-'));
  // The admin "logged on" to the jump box: a Kerberos ticket for lab-umadmin from the lab's KDC,
  // which a profile that signs in as the logged-on user uses.
  const lab = readLabDescriptor(process.env, { packaged: false });
  const kerberos: NodeJS.ProcessEnv = {};
  if (lab?.krb5Config) {
    kerberos.KRB5_CONFIG = lab.krb5Config;
    kerberos.KRB5CCNAME = `FILE:${join(dataDir, 'krb5cc')}`;
    const kinit = spawnSync('kinit', ['lab-umadmin@CONTOSO.TEST'], { input: `${LAB_PASSWORD}\n`, encoding: 'utf8', env: { ...process.env, ...kerberos } });
    if (kinit.status !== 0) throw new Error(`kinit for the e2e Kerberos profile failed: ${kinit.stderr}`);
  }
  const child = spawn(process.execPath, [join(root, 'out/main/web-host.js')], {
    env: { ...process.env, ...kerberos, UMC_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The main process's log (stderr; stdout has only the tokened URL), kept whole: a failed test's
  // trace shows the screen, this shows what main was doing.
  mkdirSync(join(root, 'test-results'), { recursive: true });
  const log = createWriteStream(join(root, WEB_HOST_LOG));
  let stderr = '';
  let ready = false;
  child.stderr.on('data', (d) => {
    // Kept in memory only for the error of a host that does not start.
    if (!ready) stderr += d;
    log.write(`${new Date().toISOString()} ${d}`);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`The web host did not start:\n${stderr}`)), 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      const marker = /UMC_WEB_READY (\{.*\})/.exec(out);
      if (marker) {
        clearTimeout(timer);
        ready = true;
        resolve((JSON.parse(marker[1]!) as { url: string }).url);
      }
    });
    child.once('exit', (code) => reject(new Error(`The web host exited (${code}):\n${stderr}`)));
  });
  process.env.UMC_E2E_URL = url;
  process.env.UMC_E2E_DATA_DIR = dataDir;
  return async () => {
    child.kill('SIGTERM');
  };
}
