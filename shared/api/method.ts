import type { z } from 'zod';

/** One API method: what it accepts, what it returns, and one line for the docs and the CLI. */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  readonly summary: string;
}

/** Declares a method so both sides share the schemas (input is parsed in main before use). */
export function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): MethodSpec<I, O> {
  return { input, output, summary };
}
