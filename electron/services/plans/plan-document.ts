import { createHash } from 'node:crypto';
import { ApiError } from '@shared/errors';
import { planDocumentSchema, type PlanDocument } from '@shared/models/plans';

/** A plan file larger than this is refused before it is parsed (a plan of 100,000 rows is well under it). */
export const MAX_PLAN_BYTES = 64 * 1024 * 1024;

/** JSON with object keys sorted at every level: the same plan always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** SHA-256 over everything in the plan but its hash. */
export function planHash(plan: Omit<PlanDocument, 'hash'> & { hash?: string }): string {
  const { hash: _hash, ...rest } = plan;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/**
 * Reads a plan file. Not a plan at all (not JSON, wrong shape) is INVALID_INPUT; a plan whose hash
 * does not match its content was edited after export: `tampered`, and it is never applied.
 */
export function readPlan(content: string): { plan: PlanDocument; tampered: boolean } {
  if (content.length > MAX_PLAN_BYTES) throw new ApiError('INVALID_INPUT', `The plan file is larger than ${MAX_PLAN_BYTES / 1024 / 1024} MB.`);
  let json: unknown;
  try {
    json = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ApiError('INVALID_INPUT', `The file is not a change plan (not JSON: ${error instanceof Error ? error.message : String(error)}).`);
  }
  const parsed = planDocumentSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError('INVALID_INPUT', `The file is not a change plan the console exported (${issue?.path.join('.') || 'root'}: ${issue?.message}).`);
  }
  // The hash is over the file's own values, so a field the schema drops still counts as an edit.
  return { plan: parsed.data, tampered: planHash(json as PlanDocument) !== parsed.data.hash };
}
