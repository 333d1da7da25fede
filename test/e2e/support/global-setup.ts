import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Starts the built web host against the lab with a fresh settings folder, waits for its ready
 * marker, and hands the tokened URL to the tests. Returns the teardown.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const root = join(import.meta.dirname, '../../..');
  const dataDir = mkdtempSync(join(tmpdir(), 'umc-e2e-'));
  const child = spawn(process.execPath, [join(root, 'out/main/web-host.js')], { env: { ...process.env, UMC_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`The web host did not start:\n${stderr}`)), 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      const ready = /UMC_WEB_READY (\{.*\})/.exec(out);
      if (ready) {
        clearTimeout(timer);
        resolve((JSON.parse(ready[1]!) as { url: string }).url);
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
