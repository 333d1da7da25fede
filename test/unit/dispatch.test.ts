import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@shared/errors';
import { createDispatcher, type HandlerTable } from '../../electron/services/core/dispatch';

const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

function dispatcherWith(overrides: Partial<HandlerTable>) {
  return createDispatcher(overrides as HandlerTable, logger);
}

describe('the dispatcher every transport calls', () => {
  it('refuses unknown methods without calling anything', async () => {
    const envelope = await dispatcherWith({})('app.deleteEverything', {});
    expect(envelope).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: 'Unknown method: app.deleteEverything' } });
  });

  it('parses input with the method schema before the handler sees it', async () => {
    const handler = vi.fn(async () => ({ deleted: true }));
    const dispatch = dispatcherWith({ 'profiles.delete': handler });
    const bad = await dispatch('profiles.delete', { name: '../../etc/passwd' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.code).toBe('INVALID_INPUT');
    const extra = await dispatch('profiles.delete', { name: 'lab', sneaky: 1 });
    expect(!extra.ok && extra.error.code).toBe('INVALID_INPUT');
    expect(handler).not.toHaveBeenCalled();
    const good = await dispatch('profiles.delete', { name: 'lab' });
    expect(good).toEqual({ ok: true, result: { deleted: true } });
  });

  it("keeps an ApiError's code, message and details across the envelope", async () => {
    const dispatch = dispatcherWith({
      'profiles.forgetSecret': async () => {
        throw new ApiError('ACCESS_DENIED', 'No.', { group: 'RTCUniversalUserAdmins' });
      },
    });
    const envelope = await dispatch('profiles.forgetSecret', { name: 'x' });
    expect(envelope).toEqual({ ok: false, error: { code: 'ACCESS_DENIED', message: 'No.', details: { group: 'RTCUniversalUserAdmins' } } });
    if (!envelope.ok) expect(ApiError.fromEnvelope(envelope.error)).toBeInstanceOf(ApiError);
  });

  it('hides the text of unexpected errors (they may hold anything) and logs them', async () => {
    const dispatch = dispatcherWith({
      'jobs.list': async () => {
        throw new Error('password=hunter2 at line 3');
      },
    });
    const envelope = await dispatch('jobs.list', {});
    expect(envelope.ok).toBe(false);
    expect(JSON.stringify(envelope)).not.toContain('hunter2');
    expect(logger.error).toHaveBeenCalled();
  });

  it('says in the log, by name only, that a call has not answered after 30 s, and when it does', async () => {
    vi.useFakeTimers();
    try {
      let answer: (value: { deleted: boolean }) => void = () => {};
      const dispatch = dispatcherWith({ 'profiles.delete': () => new Promise((resolve) => (answer = resolve)) });
      const pending = dispatch('profiles.delete', { name: 'secret-profile' });
      await vi.advanceTimersByTimeAsync(29_000);
      expect(logger.warn).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(2_000);
      expect(logger.warn).toHaveBeenCalledWith('profiles.delete has not answered after 30 s');
      answer({ deleted: true });
      expect(await pending).toEqual({ ok: true, result: { deleted: true } });
      expect(logger.info).toHaveBeenCalledWith('profiles.delete answered after 31 s');
      expect(JSON.stringify([logger.warn.mock.calls, logger.info.mock.calls])).not.toContain('secret-profile');
    } finally {
      vi.useRealTimers();
    }
  });
});
