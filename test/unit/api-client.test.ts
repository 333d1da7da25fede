import { describe, expect, it } from 'vitest';
import { ApiError } from '@shared/errors';
import type { PreloadBridge } from '@shared/ipc-channels';
import { ApiClient } from '../../renderer/src/api/api-client';

const bridge = (invoke: PreloadBridge['invoke']): PreloadBridge => ({ invoke, onEvent: () => () => undefined });

describe('ApiClient transport failures', () => {
  it('reports a lost console host as HOST_UNREACHABLE, not as an unreachable domain controller', async () => {
    const client = new ApiClient(bridge(() => Promise.reject(new Error('The connection to the console host was lost.'))));
    const failure = await client.call('profiles.list', {}).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('HOST_UNREACHABLE');
    expect((failure as ApiError).message).toBe('The connection to the console host was lost.');
  });

  it('reports a refused socket or a 5xx from the web host (no reason given) as HOST_UNREACHABLE', async () => {
    const client = new ApiClient(bridge(() => Promise.reject(new Error(''))));
    const failure = (await client.call('profiles.list', {}).catch((e: unknown) => e)) as ApiError;
    expect(failure.code).toBe('HOST_UNREACHABLE');
    expect(failure.message).toBe('The console host is not reachable.');
  });

  it('reports an answer that is not an envelope as the host failing', async () => {
    const client = new ApiClient(bridge(() => Promise.resolve(undefined)));
    const failure = (await client.call('profiles.list', {}).catch((e: unknown) => e)) as ApiError;
    expect(failure.code).toBe('HOST_UNREACHABLE');
  });

  it('keeps the code of an error a handler sent (a real DC_UNREACHABLE stays one)', async () => {
    const client = new ApiClient(
      bridge(() => Promise.resolve({ ok: false, error: { code: 'DC_UNREACHABLE', message: 'The domain controller could not be reached for dc01.' } })),
    );
    const failure = (await client.call('profiles.list', {}).catch((e: unknown) => e)) as ApiError;
    expect(failure.code).toBe('DC_UNREACHABLE');
    expect(failure.message).toContain('dc01');
  });

  it('returns the result of a successful call', async () => {
    const client = new ApiClient(bridge(() => Promise.resolve({ ok: true, result: [] })));
    await expect(client.call('profiles.list', {})).resolves.toEqual([]);
  });
});
