import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installProcessSafetyNet } from '../../electron/host/process-safety-net';

/** The web host's last resort logs an escaped error as a bug, with its stack, instead of swallowing it. */
describe('process safety net', () => {
  const install = () => {
    const logged: Array<{ message: string; error: unknown }> = [];
    const processLike = new EventEmitter();
    installProcessSafetyNet({ info: () => undefined, warn: () => undefined, error: (message, error) => logged.push({ message, error }) }, processLike);
    return { logged, processLike };
  };

  it('logs an uncaught exception as a bug, with the stack that locates it', () => {
    const { logged, processLike } = install();
    const bug = new TypeError('Cannot read properties of null');
    processLike.emit('uncaughtException', bug);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.message).toMatch(/^BUG: an uncaught exception/);
    expect((logged[0]!.error as Error).name).toBe('TypeError');
    expect((logged[0]!.error as Error).message).toContain(bug.stack!.split('\n')[1]!.trim());
  });

  it('logs an unhandled rejection, even of something that is not an Error', () => {
    const { logged, processLike } = install();
    processLike.emit('unhandledRejection', 'a string');
    expect(logged[0]!.message).toMatch(/^BUG: an unhandled promise rejection/);
    expect((logged[0]!.error as Error).message).toBe('a non-Error value was thrown (string)');
  });
});
