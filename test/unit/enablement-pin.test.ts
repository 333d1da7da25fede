import { describe, expect, it } from 'vitest';
import { checkPin, commonPattern, isSuffixOf, primaryUmAddress } from '../../electron/services/enablement/validation/pin-rules';

/** Exchange 2013's UmPasswordManager.IsWeak, case by case [S11], and the 4–24 digits of [S12]. */
describe('PIN rules', () => {
  it.each([
    ['111111', 'repeated'],
    ['123456', 'sequential'],
    ['654321', 'sequential'],
    ['0123', 'sequential'],
    ['9012', undefined],
    ['135790', undefined],
    ['121212', undefined],
    ['7', undefined],
  ])('%s is %s', (pin, pattern) => expect(commonPattern(pin)).toBe(pattern));

  it('calls a PIN a suffix only when it is the end of the address, never longer', () => {
    expect(isSuffixOf('2345', '12345')).toBe(true);
    expect(isSuffixOf('12345', '12345')).toBe(true);
    expect(isSuffixOf('012345', '12345')).toBe(false);
    expect(isSuffixOf('550123', '+14255550123')).toBe(true);
    expect(isSuffixOf('1234', 'u1@contoso.test')).toBe(false);
  });

  it('compares with the primary UM address: the identifier, else the first extension', () => {
    expect(primaryUmAddress('u1@x', ['1234'])).toBe('u1@x');
    expect(primaryUmAddress(undefined, ['1234', '5678'])).toBe('1234');
    expect(primaryUmAddress('', [])).toBeUndefined();
  });

  const strict = { name: 'Redmond', minPinLength: 6, allowCommonPatterns: false };
  const lenient = { name: 'Tokyo', minPinLength: 4, allowCommonPatterns: true };
  const codes = (...args: Parameters<typeof checkPin>) => checkPin(...args).map((m) => `${m.severity}:${m.code}`);

  it('refuses what Exchange refuses, in its order, and reports the first refusal', () => {
    expect(codes('', strict, undefined, ['12345'])).toEqual([]);
    expect(codes('12345', strict, undefined, [])).toEqual(['error:pin-invalid']);
    expect(codes('12a456', strict, undefined, [])).toEqual(['error:pin-invalid']);
    expect(codes('1'.repeat(25), lenient, undefined, [])).toEqual(['error:pin-invalid']);
    expect(codes('123456', strict, undefined, [])).toEqual(['error:pin-sequential']);
    expect(codes('000000', strict, undefined, [])).toEqual(['error:pin-repeated']);
    expect(codes('1234', lenient, 'u@x', ['0001'])).toEqual([]);
    expect(codes('0153', { ...lenient, allowCommonPatterns: false }, undefined, ['0153'])).toEqual(['error:pin-extension-suffix']);
    expect(codes('0153', lenient, undefined, ['0153'])).toEqual(['error:pin-extension-suffix']);
    expect(codes('0153', lenient, 'u@x', ['0153'])).toEqual(['warning:pin-numeric-extension-suffix']);
  });

  it("uses Exchange's default minimum of 6 when the policy has none [S13]", () => {
    expect(codes('13579', { name: 'P', allowCommonPatterns: true }, undefined, [])).toEqual(['error:pin-invalid']);
    expect(checkPin('13579', { name: 'P', allowCommonPatterns: true }, undefined, [])[0]!.params.min).toBe('6');
  });
});
