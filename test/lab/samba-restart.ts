import { forests } from './lab-config';
import { SambaInstance } from './samba-instance';

/** Stops and starts one lab DC (fault tests: a directory that goes away and comes back). */
const key = (process.argv[2] ?? 'contoso') as keyof typeof forests;
const instance = new SambaInstance(forests[key]);
instance.stop();
await instance.start();
