import { fileURLToPath } from 'node:url';
import { assertNodeVersion, createNodeServices } from '../adapters/node-services';
import { installProcessSafetyNet } from './process-safety-net';
import { startWebHost } from './web-host';

/**
 * `npm run web`: the console in a browser, for machines without the Electron binary and for the
 * end-to-end tests. Prints the URL (with its one-time token) and the ready marker tests wait for.
 */
async function main(): Promise<void> {
  const portArg = process.argv.indexOf('--port');
  const port = portArg > 0 ? Number(process.argv[portArg + 1]) : Number(process.env.UMC_WEB_PORT ?? 0);
  const { services, dispatch, logger } = createNodeServices('web');
  installProcessSafetyNet(logger);
  const host = await startWebHost({
    logger,
    dispatch,
    bus: services.bus,
    rendererDir: fileURLToPath(new URL('../renderer/', import.meta.url)),
    port: Number.isInteger(port) && port > 0 ? port : 0,
  });
  process.stdout.write(`UM Integration Console is running at ${host.url}\n`);
  process.stdout.write(`UMC_WEB_READY ${JSON.stringify({ url: host.url, port: host.port })}\n`);
  const stop = async () => {
    logger.info('shutting down');
    await host.close();
    await services.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

assertNodeVersion();
main().catch((error) => {
  process.stderr.write(`The web host could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
