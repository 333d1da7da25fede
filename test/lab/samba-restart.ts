import { forests } from './lab-config';
import { SambaInstance } from './samba-instance';

/**
 * Stops and starts one lab DC (fault tests: a directory that goes away and comes back).
 * `samba-restart.ts contoso [downMs]` keeps it down for downMs milliseconds first.
 */
const key = (process.argv[2] ?? 'contoso') as keyof typeof forests;
const downMs = Number(process.argv[3] ?? 0);
const instance = new SambaInstance(forests[key]);
instance.stop();
if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
await instance.start();
