import { describe, expect, it } from 'vitest';
import { parseThrottling, throttlingBackoffMs } from '../../electron/services/powershell/exchange-throttling';
import { spreadSessions } from '../../electron/services/enablement/job/enablement-runner';
import { EXCHANGE_SESSION_BUDGET, exchangeEndpointsOf, exchangeServerOf, profileSchema, sessionBudgetOf } from '../../shared/models/profile';

describe("Exchange's throttling, recognised from its own words", () => {
  it('a session over PowerShellMaxConcurrency (WinRM quota, any limit, Online wording)', () => {
    const refused =
      'The PowerShell endpoint could not be opened: Connecting to remote server ex15.contoso.test failed with the following error message : The WS-Management service cannot process the request. This user is allowed a maximum of 18 concurrent shells, which has been exceeded. Close existing shells or raise the quota for this user. For more information, see the about_Remote_Troubleshooting Help topic.';
    expect(parseThrottling(refused)).toEqual({ budget: 'sessions' });
    expect(parseThrottling('This user is allowed a maximum number of 5 concurrent shells, which has been exceeded.')).toEqual({ budget: 'sessions' });
    expect(
      parseThrottling('The maximum number of concurrent shells for this user has been exceeded. Close existing shells or raise the quota for this user.'),
    ).toEqual({
      budget: 'sessions',
    });
    expect(
      parseThrottling(
        'Fail to create a runspace because you have exceeded the maximum number of connections allowed : 18 for the policy party : MaxConcurrency. Please close existing runspace and try again.',
      ),
    ).toEqual({ budget: 'sessions' });
  });

  it('the waits Exchange states, in seconds or milliseconds', () => {
    expect(parseThrottling('Fail to create runspace because you have exceeded your budget to create runspace. Please wait for 37 seconds.')).toEqual({
      budget: 'sessions',
      delayMs: 37_000,
    });
    expect(parseThrottling('Operation aborted because the operation has exceeded your throttling policy budget. Please wait for 5 seconds.')).toEqual({
      budget: 'cmdlets',
      delayMs: 5000,
    });
    expect(
      parseThrottling(
        'Processing data from remote server ex15 failed with the following error message: The WS-Management service cannot process the request. The user load quota of 100 requests per 10 seconds has been exceeded. Send future requests at a slower rate or raise the quota for this user. The next request from this user will not be approved for at least 1234 milliseconds.',
      ),
    ).toEqual({ budget: 'cmdlets', delayMs: 1234 });
    expect(parseThrottling('The user load quota of 100 requests per 10 seconds has been exceeded.')).toEqual({ budget: 'cmdlets' });
  });

  it('is nothing else: a refused row, a server that does not answer, a directory outage', () => {
    for (const message of [
      'The extension 12345 is already assigned to another user.',
      'Connecting to remote server ex15b failed with the following error message : WinRM cannot complete the operation. Verify that the specified computer name is valid.',
      'The LDAP server is unavailable.',
      '',
    ])
      expect(parseThrottling(message)).toBeUndefined();
  });
});

describe('back-off', () => {
  it('waits at least what Exchange stated, plus jitter', () => {
    const stated = { budget: 'cmdlets' as const, delayMs: 2000 };
    expect(throttlingBackoffMs(stated, 1, () => 0)).toBe(2100);
    expect(throttlingBackoffMs(stated, 5, () => 0.999)).toBeLessThanOrEqual(2000 + 100 + 500);
    expect(throttlingBackoffMs({ budget: 'cmdlets', delayMs: 100 }, 1, () => 0.5)).toBe(325);
  });

  it('without a stated wait: exponential from 1 s to a minute, half of it jitter', () => {
    const unstated = { budget: 'sessions' as const };
    expect(throttlingBackoffMs(unstated, 1, () => 0)).toBe(500);
    expect(throttlingBackoffMs(unstated, 1, () => 0.999)).toBeLessThanOrEqual(1000);
    expect(throttlingBackoffMs(unstated, 3, () => 0)).toBe(2000);
    expect(throttlingBackoffMs(unstated, 30, () => 0.999)).toBeLessThan(60_000);
    expect(throttlingBackoffMs(unstated, 30, () => 0)).toBe(30_000);
  });
});

describe('spreading a job over Exchange endpoints', () => {
  const ep = (index: number, budget: number) => ({ index, server: `ex${index}`, budget });
  it('one session at a time to the endpoint with the fewest, within each budget', () => {
    expect(spreadSessions([ep(0, 18)], 4)).toEqual([4]);
    expect(spreadSessions([ep(0, 18), ep(1, 18)], 5)).toEqual([3, 2]);
    expect(spreadSessions([ep(0, 18), ep(1, 18)], 36)).toEqual([18, 18]);
    expect(spreadSessions([ep(0, 2), ep(1, 18)], 10)).toEqual([2, 8]);
  });
  it('never more than the budgets allow together', () => {
    expect(spreadSessions([ep(0, 3), ep(1, 2)], 40)).toEqual([3, 2]);
    expect(spreadSessions([], 4)).toEqual([]);
  });
});

describe("a profile's Exchange endpoints", () => {
  const saved = {
    name: 'contoso',
    directory: { host: 'dc1.contoso.com', port: 636, security: 'ldaps', bindIdentity: 'admin@contoso.com' },
    exchange: { kind: 'remote', server: 'ex1.contoso.com' },
  };
  it('a profile saved before several endpoints existed loads as one endpoint with Exchange’s default budget', () => {
    const profile = profileSchema.parse(saved);
    expect(exchangeEndpointsOf(profile).map((e) => [exchangeServerOf(e), sessionBudgetOf(e)])).toEqual([['ex1.contoso.com', EXCHANGE_SESSION_BUDGET]]);
  });
  it('lists the main endpoint first, then the others, each with its own budget', () => {
    const profile = profileSchema.parse({
      ...saved,
      exchange: { ...saved.exchange, sessionBudget: 10 },
      additionalExchange: [{ kind: 'remote', server: 'ex2.contoso.com' }],
    });
    expect(exchangeEndpointsOf(profile).map((e) => [exchangeServerOf(e), sessionBudgetOf(e)])).toEqual([
      ['ex1.contoso.com', 10],
      ['ex2.contoso.com', 18],
    ]);
    expect(exchangeEndpointsOf({})).toEqual([]);
  });
  it('refuses a budget of 0 or a server that is not a host name', () => {
    expect(profileSchema.safeParse({ ...saved, exchange: { ...saved.exchange, sessionBudget: 0 } }).success).toBe(false);
    expect(profileSchema.safeParse({ ...saved, additionalExchange: [{ kind: 'remote', server: 'http://ex2/PowerShell' }] }).success).toBe(false);
  });
});
