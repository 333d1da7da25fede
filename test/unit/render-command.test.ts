import { describe, expect, it } from 'vitest';
import { quote, renderCommand } from '@shared/powershell/render-command';
import { redactParameters } from '../../electron/services/powershell/cmdlet-catalog';

describe('commands shown for copying into a shell', () => {
  it('single-quotes strings so nothing expands, doubling every kind of quote', () => {
    expect(quote("O'Brien")).toBe("'O''Brien'");
    expect(quote('$(Remove-Item /) `n "x"')).toBe('\'$(Remove-Item /) `n "x"\'');
    expect(quote('curly ‘a’ ‚b‛')).toBe("'curly ‘‘a’’ ‚‚b‛‛'");
  });

  it('renders arrays, booleans, switches and nulls as PowerShell literals', () => {
    expect(
      renderCommand('Enable-UMMailbox', {
        Identity: 'u00001@contoso.test',
        Extensions: ['00001', '10001'],
        PINExpired: false,
        ValidateOnly: true,
        NotifyEmail: undefined,
        PilotNumber: null,
      }),
    ).toBe("Enable-UMMailbox -Identity 'u00001@contoso.test' -Extensions '00001','10001' -PINExpired $false -ValidateOnly -PilotNumber $null");
  });

  it('redacts secret parameters by the catalog, case-insensitively', () => {
    expect(redactParameters('exchange', 'Enable-UMMailbox', { Identity: 'x', pin: '1234', PIN: '5678' })).toEqual({
      Identity: 'x',
      pin: '********',
      PIN: '********',
    });
    expect(redactParameters('exchange', 'Get-UMDialPlan', { Identity: '1234' })).toEqual({ Identity: '1234' });
  });
});
