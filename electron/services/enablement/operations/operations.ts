import type { BulkOperation } from '@shared/models/enablement';
import { ApiError } from '@shared/errors';
import { changeOperation } from './change';
import { disableOperation } from './disable';
import { enableOperation } from './enable';
import type { Operation } from './operation';
import { moveOperation } from './move';
import { pinOperation } from './pin';
import { voiceOperation } from './voice';

const operations: Partial<Record<BulkOperation, Operation>> = {
  enable: enableOperation,
  disable: disableOperation,
  pin: pinOperation,
  change: changeOperation,
  voice: voiceOperation,
  move: moveOperation,
};

/** The operation by name; a name the console does not run yet is refused before anything is read. */
export function operationOf(name: BulkOperation = 'enable'): Operation {
  const operation = operations[name];
  if (!operation) throw new ApiError('INVALID_INPUT', `The bulk operation "${name}" is not available in this version of the console.`);
  return operation;
}
