import type { RowMessage } from '@shared/models/enablement';
import { checkIdentity } from '../validation/row-rules';
import { error, info, statusOf, verdictOf, type Operation } from './operation';

/** A line URI as Lync takes it: tel:, an E.164 number, optionally ;ext= and digits [S65]. */
export const LINE_URI = /^tel:\+[1-9]\d{1,14}(;ext=\d+)?$/i;

/** The extension a following UM enablement can take from a line URI: its ;ext= digits, if it has them. */
export function extensionFromLineUri(lineUri: string | undefined): string | undefined {
  return /;ext=(\d+)$/i.exec(lineUri ?? '')?.[1];
}

/**
 * Bulk Lync Enterprise Voice, step 10 of the integration: Set-CsUser -EnterpriseVoiceEnabled $true
 * -LineURI tel:+… through the Lync shell, for users already enabled for Lync [S65]. The line URI
 * is checked for the form Lync documents [S65]; a number another user already has is Lync's to
 * refuse at run time (the console does not look line URIs up).
 */
export const voiceOperation: Operation = {
  name: 'voice',
  exchangeCmdlets: [],
  check(values, facts) {
    const messages: RowMessage[] = [];
    const user = checkIdentity(values, facts, messages);
    if (!user) return verdictOf('invalid', messages);
    const identity = values.Identity.trim();
    // Set-CsUser changes only users enabled for Lync [S65].
    if (!user.lyncAddress) return verdictOf('invalid', [error('voice-not-lync-enabled', { identity })]);
    const lineUri = (values.LineURI ?? '').trim();
    if (!lineUri) return verdictOf('invalid', [error('line-uri-missing')]);
    if (!LINE_URI.test(lineUri)) return verdictOf('invalid', [error('line-uri-invalid', { lineUri })]);
    if (user.enterpriseVoiceEnabled && user.lineUri?.toLowerCase() === lineUri.toLowerCase())
      return verdictOf('already-done', [info('voice-already', { lineUri: user.lineUri })]);
    return verdictOf(statusOf(messages), messages);
  },
  calls: (row, dryRun) =>
    dryRun
      ? []
      : [
          {
            shell: 'lync',
            cmdlet: 'Set-CsUser',
            parameters: { Identity: row.userDn, EnterpriseVoiceEnabled: true, LineURI: (row.values.LineURI ?? '').trim() },
          },
        ],
  settle: (user, row) => (user.enterpriseVoiceEnabled && user.lineUri?.toLowerCase() === (row.values.LineURI ?? '').trim().toLowerCase() ? 'done' : 'not-done'),
  requested: (row) => ({ enterpriseVoiceEnabled: true, lineUri: (row.values.LineURI ?? '').trim() }),
  after: (row) => ({ enterpriseVoiceEnabled: true, lineUri: (row.values.LineURI ?? '').trim() }),
};
