import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebHost, type WebHostLimits } from '../../../electron/host/web-host';
import { EventBus } from '../../../electron/services/core/event-bus';
import { createConsoleLogger } from '../../../electron/services/core/logger';

/**
 * The web host alone in a process of its own, with a stand-in dispatcher and no process-level
 * safety net: an error that escapes one of its handlers ends this process, which is what the
 * hostile-client tests watch for. Limits come as JSON in argv[2]. Prints one line,
 * `READY {"port","token","appPath"}`, when it listens.
 */
const limits = JSON.parse(process.argv[2] ?? '{}') as Partial<WebHostLimits>;
const rendererDir = mkdtempSync(join(tmpdir(), 'umc-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>UM Integration Console</title>');
const host = await startWebHost({
  dispatch: async (method) => ({ ok: false, error: { code: 'INVALID_INPUT', message: `Unknown method: ${String(method)}` } }),
  bus: new EventBus(),
  rendererDir,
  logger: createConsoleLogger('web-host'),
  limits,
});
process.stdout.write(`READY ${JSON.stringify({ port: host.port, token: host.token, appPath: host.appPath })}\n`);
