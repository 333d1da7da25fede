import type { BulkOperation, EnablementFieldName } from '../models/enablement';

/**
 * What each bulk operation reads from the file: the fields the mapping offers and those it needs.
 * The screen, the CLI and the service take both from here; what each operation checks and runs
 * is in electron/services/enablement/operations/.
 */
export interface OperationFields {
  fields: readonly EnablementFieldName[];
  required: readonly EnablementFieldName[];
  /** The cmdlet(s) a row runs, as the screen and the CLI name them. */
  cmdlets: string;
}

export const operationFields: Record<BulkOperation, OperationFields> = {
  enable: {
    fields: ['Identity', 'Extensions', 'SIPResourceIdentifier', 'UMMailboxPolicy', 'PIN', 'PINExpired', 'NotifyEmail'],
    required: ['Identity', 'UMMailboxPolicy'],
    cmdlets: 'Enable-UMMailbox',
  },
  voice: { fields: ['Identity', 'LineURI'], required: ['Identity', 'LineURI'], cmdlets: 'Set-CsUser' },
  change: { fields: ['Identity', 'UMMailboxPolicy', 'Extensions'], required: ['Identity'], cmdlets: 'Set-UMMailbox, Set-Mailbox' },
  pin: { fields: ['Identity', 'PIN', 'PINExpired', 'NotifyEmail'], required: ['Identity'], cmdlets: 'Set-UMMailboxPIN' },
  disable: { fields: ['Identity'], required: ['Identity'], cmdlets: 'Disable-UMMailbox' },
  move: {
    fields: ['Identity', 'UMMailboxPolicy', 'Extensions', 'SIPResourceIdentifier'],
    required: ['Identity', 'UMMailboxPolicy'],
    cmdlets: 'Disable-UMMailbox, Enable-UMMailbox',
  },
};

/** The operations in the order the bulk screen offers them: voice first, as step 10 of the integration comes before UM. */
export const availableOperations: readonly BulkOperation[] = ['voice', 'enable', 'change', 'pin', 'move', 'disable'];

/** The outcome a row the operation carried out gets: an enable job's rows are enabled, the others changed. */
export function doneOutcome(operation: BulkOperation): 'enabled' | 'changed' {
  return operation === 'enable' ? 'enabled' : 'changed';
}
