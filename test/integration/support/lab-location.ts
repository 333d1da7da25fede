import { labLocationEnv } from '../../lab/lab-config';

/**
 * Setup file of the integration project: tells every console these tests start — services in
 * this process, the CLI and web host they spawn — where the lab is. The console finds no lab by
 * itself (no default path), and a test never relies on the developer's shell to say so.
 */
Object.assign(process.env, labLocationEnv());
