import { z } from 'zod';

/**
 * Every failure the console reports carries one of these codes, so the renderer and the CLI can
 * explain it in the admin's language without parsing English messages.
 */
export const errorCodes = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'ALREADY_EXISTS',
  'ACCESS_DENIED',
  'NOT_CONNECTED',
  'AUTH_FAILED',
  'SECRET_REQUIRED',
  'KERBEROS_NO_TICKET',
  'KERBEROS_FAILED',
  'CERT_UNTRUSTED',
  'DC_UNREACHABLE',
  /** The console's own host (Electron main or the web host) did not answer: not a directory problem. */
  'HOST_UNREACHABLE',
  'STRONG_AUTH_REQUIRED',
  'DIRECTORY_ERROR',
  'POWERSHELL_ERROR',
  'POWERSHELL_UNAVAILABLE',
  'POWERSHELL_SESSION_DIED',
  'TIMEOUT',
  'CANCELLED',
  'CSV_INVALID',
  'UNSUPPORTED',
  'AUDIT_UNTRUSTED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** The error shape that crosses IPC, WebSocket and the CLI unchanged. */
export const errorEnvelopeSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

/** A handler's reply: exactly one of result or error. */
export type Envelope<T> = { ok: true; result: T } | { ok: false; error: ErrorEnvelope };

/**
 * Thrown by services for failures an admin can act on. The message is written for the admin
 * (English; the renderer translates by code where it has a better text). Never put a secret in
 * message or details.
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
  }

  toEnvelope(): ErrorEnvelope {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }

  /** Rebuilds the error on the far side of a transport so callers can `catch` it as usual. */
  static fromEnvelope(envelope: ErrorEnvelope): ApiError {
    return new ApiError(envelope.code, envelope.message, envelope.details);
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}
