import { enablementFieldSchema } from '../models/enablement';

/**
 * A CSV an admin can fill in: a header of exactly the parameter names the importer maps (one per
 * Enable-UMMailbox parameter it feeds [S12]) and one example row, UTF-8 with a byte-order mark so that
 * Excel opens it as UTF-8 whatever the Windows code page. The example names no real user: an
 * example row left in the file finds no mailbox and is reported invalid, never run.
 */
export function enablementCsvTemplate(): { fileName: string; mimeType: string; content: string } {
  const example: Record<(typeof enablementFieldSchema.options)[number], string> = {
    Identity: 'someone@contoso.com',
    Extensions: '12345',
    SIPResourceIdentifier: 'someone@contoso.com',
    UMMailboxPolicy: 'Redmond Default Policy',
    PIN: '',
    PINExpired: 'TRUE',
    NotifyEmail: 'someone@contoso.com',
  };
  const fields = enablementFieldSchema.options;
  const lines = [fields.join(','), fields.map((f) => example[f]).join(',')];
  return { fileName: 'um-enablement-template.csv', mimeType: 'text/csv;charset=utf-8', content: `\uFEFF${lines.join('\r\n')}\r\n` };
}
