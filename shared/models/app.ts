import { z } from 'zod';

export const transportSchema = z.enum(['electron', 'web', 'cli']);
export type Transport = z.infer<typeof transportSchema>;

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  transport: transportSchema,
  platform: z.string(),
  nodeVersion: z.string(),
  electronVersion: z.string().optional(),
  /** True when secrets can be remembered (Electron safeStorage); the web host and CLI never write them. */
  canRememberSecrets: z.boolean(),
  /** True when the test lab's description file was found, so its built-in profiles are offered. */
  labAvailable: z.boolean(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;
