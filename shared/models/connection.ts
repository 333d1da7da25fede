import { z } from 'zod';
import { errorEnvelopeSchema } from '../errors';

export const connectionStatusSchema = z.enum(['disconnected', 'connecting', 'connected', 'failed']);
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>;

/** One profile's live directory session, as the connection indicator shows it. */
export const connectionStateSchema = z.object({
  profile: z.string(),
  status: connectionStatusSchema,
  /** Forest root DNS name (from the RootDSE), once connected. */
  forest: z.string().optional(),
  defaultNamingContext: z.string().optional(),
  dcHost: z.string().optional(),
  boundAs: z.string().optional(),
  connectedAt: z.string().optional(),
  error: errorEnvelopeSchema.optional(),
});
export type ConnectionState = z.infer<typeof connectionStateSchema>;
