import { ZodError } from 'zod';
import { api, isMethodName, type MethodName, type MethodOutput, type ParsedInput } from '@shared/contract';
import { ApiError, type Envelope, type ErrorEnvelope } from '@shared/errors';
import type { Logger } from './logger';

/** The implementation of every API method; each receives input already parsed by its schema. */
export type HandlerTable = { [M in MethodName]: (input: ParsedInput<M>) => Promise<MethodOutput<M>> };

export type Dispatch = (method: unknown, input: unknown) => Promise<Envelope<unknown>>;

/** Turns any thrown value into the envelope's error, never leaking stack traces or secrets. */
export function toErrorEnvelope(error: unknown): ErrorEnvelope {
  if (error instanceof ApiError) return error.toEnvelope();
  if (error instanceof ZodError) {
    return {
      code: 'INVALID_INPUT',
      message: 'The request was not valid.',
      details: error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    };
  }
  return { code: 'INTERNAL', message: 'Something went wrong inside the console. The log has the details.' };
}

/**
 * The single entry every transport calls: checks the method name, parses the input with the
 * contract's schema, runs the handler and wraps the outcome in an envelope.
 */
export function createDispatcher(handlers: HandlerTable, logger: Logger): Dispatch {
  return async (method, rawInput) => {
    if (!isMethodName(method)) {
      return { ok: false, error: { code: 'INVALID_INPUT', message: `Unknown method: ${String(method).slice(0, 80)}` } };
    }
    const started = Date.now();
    // A call the screen still waits on is worth a line in the log (its name only, never its input): it is what tells a hang from a slow directory.
    const watchdog = setTimeout(() => logger.warn(`${method} has not answered after ${SLOW_CALL_MS / 1000} s`), SLOW_CALL_MS);
    watchdog.unref?.();
    try {
      const input = api[method].input.parse(rawInput ?? {});
      const handler = handlers[method] as (input: unknown) => Promise<unknown>;
      const result = await handler(input);
      return { ok: true, result };
    } catch (error) {
      const envelope = toErrorEnvelope(error);
      if (envelope.code === 'INTERNAL') logger.error(`${method} failed`, error);
      return { ok: false, error: envelope };
    } finally {
      clearTimeout(watchdog);
      if (Date.now() - started >= SLOW_CALL_MS) logger.info(`${method} answered after ${Math.round((Date.now() - started) / 1000)} s`);
    }
  };
}

/** How long a call runs before the log says so. The long ones (a whole validation, a job's end) answer in seconds; the directory's own timeout is 15 s. */
const SLOW_CALL_MS = 30_000;
