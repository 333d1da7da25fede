import type { Logger } from '../services/core/logger';

/**
 * The web host's last resort. Every handler catches its own errors, so one that reaches the
 * process is a bug: it is logged with its stack, loudly, and the host keeps serving, because one
 * local client must not be able to end the admin's connected sessions and running jobs. Only the
 * error's name, message and stack are written; they never carry request data.
 */
export function installProcessSafetyNet(logger: Logger, target: NodeJS.EventEmitter = process): void {
  const report = (kind: string) => (error: unknown) =>
    logger.error(`BUG: ${kind} reached the process; the host keeps running. Please report this`, describe(error));
  target.on('uncaughtException', report('an uncaught exception'));
  target.on('unhandledRejection', report('an unhandled promise rejection'));
}

function describe(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(`a non-Error value was thrown (${typeof error})`);
  // The logger prints name and message; the stack is what finds the bug.
  return Object.assign(new Error(error.stack ?? error.message), { name: error.name });
}
