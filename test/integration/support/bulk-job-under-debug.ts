/**
 * Run as a child process with DEBUG=* (the `debug` package reads it when it loads): validates and
 * dry-runs a bulk enablement whose rows carry PINs, so every PIN travels to Enable-UMMailbox, then
 * writes what node-powershell still holds in its shells' histories to the file named by argv[2].
 * The parent test looks for the PINs and the password in this process's output and in that file.
 *
 * argv[3] is the CSV (base64); the profile is lab-exchadmin, which signs in with the lab password.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runningSessions } from './powershell-internals';
import { createTestServices } from './test-services';

async function main(): Promise<void> {
  const [reportFile, csvBase64] = process.argv.slice(2);
  // The same `debug` module node-powershell prints through (child-shell's own copy): a line from
  // it proves to the parent that debug output is on in this process.
  const createDebug = createRequire(createRequire(import.meta.url).resolve('child-shell'))('debug') as (namespace: string) => (message: string) => void;
  createDebug('umc:probe')('debug output is on');
  const { services } = createTestServices(process.env);
  try {
    await services.connections.connect('lab-exchadmin');
    const summary = await services.enablement.import({ fileName: 'pins.csv', content: csvBase64! });
    const validation = await services.enablement.validate({
      importId: summary.importId,
      profile: 'lab-exchadmin',
      mapping: summary.mapping,
      proposeExtensions: false,
    });
    const job = await services.enablement.start({ importId: validation.importId, dryRun: true, concurrency: 2 });
    const done = await services.enablement.wait(job.jobId);
    const history = runningSessions(services).map((session) => session.shell.history);
    const text = JSON.stringify(history, (_key, value: unknown) =>
      value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer'
        ? Buffer.from((value as { data: number[] }).data).toString('utf8')
        : value,
    );
    writeFileSync(
      reportFile!,
      JSON.stringify({
        ready: validation.counts.ready,
        outcomes: done.results.map((r) => r.outcome),
        shells: history.length,
        entries: history.flat().length,
        history: text,
      }),
    );
  } finally {
    await services.shutdown();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
