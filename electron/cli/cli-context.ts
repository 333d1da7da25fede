import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '@shared/contract';
import { ApiError, type Envelope } from '@shared/errors';
import { createNodeServices } from '../adapters/node-services';
import type { AppServices } from '../services/app-services';
import type { Dispatch } from '../services/core/dispatch';

export interface GlobalOptions {
  profile: string[];
  json: boolean;
}

/**
 * What every command gets: typed calls through the same dispatcher as the UI, connection with a
 * password from the environment or a hidden prompt, and output as a table or JSON.
 */
export class CliContext {
  private started: { services: AppServices; dispatch: Dispatch } | undefined;

  constructor(readonly options: GlobalOptions) {}

  private get runtime() {
    this.started ??= createNodeServices('cli', { quiet: true });
    return this.started;
  }

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const envelope = (await this.runtime.dispatch(method, input)) as Envelope<MethodOutput<M>>;
    if (!envelope.ok) throw ApiError.fromEnvelope(envelope.error);
    return envelope.result;
  }

  /** Listens to one of the contract's events, as the UI's transports do; returns the unsubscribe. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.runtime.services.bus.subscribe((name, payload) => {
      if ((name as EventName) === event) listener(payload as unknown as EventPayload<E>);
    });
  }

  /** The profiles named with --profile (at least one). */
  profiles(): string[] {
    if (this.options.profile.length === 0)
      throw new ApiError('INVALID_INPUT', 'Name a connection profile with --profile NAME (see `um-console profiles list`).');
    return this.options.profile;
  }

  /** Connects each profile; asks for a password on the terminal when none is configured. */
  async connectAll(): Promise<void> {
    for (const profile of this.profiles()) await this.connect(profile);
  }

  async connect(profile: string): Promise<void> {
    try {
      await this.call('connections.connect', { profile });
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'SECRET_REQUIRED') || !process.stdin.isTTY) {
        if (error instanceof ApiError && error.code === 'SECRET_REQUIRED') {
          throw new ApiError(
            'SECRET_REQUIRED',
            `${error.message} Set UMC_PASSWORD_${profile.toUpperCase().replace(/[^A-Z0-9]/g, '_')} or UMC_PASSWORD, or run interactively.`,
            error.details,
          );
        }
        throw error;
      }
      const password = await promptHidden(`Password for profile ${profile}: `);
      await this.call('connections.connect', { profile, password });
    }
  }

  /** Prints a result: JSON with --json, otherwise the command's human rendering. */
  print(result: unknown, human: () => string): void {
    process.stdout.write(this.options.json ? `${JSON.stringify(result, null, 2)}\n` : `${human()}\n`);
  }

  async close(): Promise<void> {
    await this.started?.services.shutdown();
  }
}

/** Reads a line from the terminal without echoing it. The password never reaches a log. */
export function promptHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, callback) {
      if (!muted) process.stderr.write(chunk);
      callback();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

/** What um-console.ts hands each command: wraps an action with connection, output and exit-code handling. */
export type CommandRunner = (action: (ctx: CliContext, options: Record<string, unknown>) => Promise<void>) => (...args: unknown[]) => Promise<void>;

/** Formats rows as an aligned text table. */
export function table(headers: string[], rows: Array<Array<string | number | undefined>>): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === undefined ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (c ?? '').padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
