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
    try {
      const input = api[method].input.parse(rawInput ?? {});
      const handler = handlers[method] as (input: unknown) => Promise<unknown>;
      const result = await handler(input);
      return { ok: true, result };
    } catch (error) {
      const envelope = toErrorEnvelope(error);
      if (envelope.code === 'INTERNAL') logger.error(`${method} failed`, error);
      return { ok: false, error: envelope };
    }
  };
}
