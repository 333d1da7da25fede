import type { FixAction } from '../models/fix';
import { ouObjectTypeSchema, type OuObjectTypeName } from '../models/permissions';

/**
 * The route contract of "Fix…": how a fix opens the screen that does it, already filled in. The
 * screens read their part of the URL (#/<screen>?<params>) with the readers below, so a link
 * from the topology, the checklist or a copied URL opens the same dialog.
 */
export interface ScreenRoute {
  path: string;
  params: Record<string, string>;
}

/** Opens the new-contact dialog: `#/contacts?new=SA|AA&target=<dial plan or auto attendant DN>&forest=<its forest>&number=<E.164>`. */
export interface ContactPrefill {
  kind: 'SA' | 'AA';
  targetDn: string;
  /** The forest the dial plan or auto attendant lives in (the Exchange forest). */
  targetForest?: string;
  number?: string;
}

/** Opens gateway setup for an Exchange forest: `#/checklist?view=gateways&exchangeForest=<forest>&lyncForest=<forest>`. */
export interface GatewayPrefill {
  exchangeForest: string;
  lyncForest?: string;
}

/** Opens an OU-permission grant preview: `#/permissions?forest=<forest>&ou=<DN>&types=User,Contact&action=grant`. */
export interface GrantPrefill {
  forest?: string;
  ou: string;
  types: OuObjectTypeName[];
  action?: 'grant';
}

/** The screen a fix opens, or undefined when it is done elsewhere. */
export function fixRoute(fix: FixAction): ScreenRoute | undefined {
  switch (fix.kind) {
    case 'contact':
      return {
        path: 'contacts',
        params: { new: fix.contactKind, target: fix.target.dn, forest: fix.target.forest, ...(fix.number ? { number: fix.number } : {}) },
      };
    case 'gateways':
      return { path: 'checklist', params: { view: 'gateways', exchangeForest: fix.exchangeForest, ...(fix.lyncForest ? { lyncForest: fix.lyncForest } : {}) } };
    case 'grant':
      return { path: 'permissions', params: { forest: fix.forest, ou: fix.ou, types: fix.types.join(','), action: 'grant' } };
    case 'elsewhere':
      return undefined;
  }
}

export function readContactPrefill(params: URLSearchParams): ContactPrefill | undefined {
  const kind = params.get('new');
  const targetDn = params.get('target');
  if ((kind !== 'SA' && kind !== 'AA') || !targetDn) return undefined;
  const targetForest = params.get('forest');
  const number = params.get('number');
  return { kind, targetDn, ...(targetForest ? { targetForest } : {}), ...(number ? { number } : {}) };
}

export function readGatewayPrefill(params: URLSearchParams): GatewayPrefill | undefined {
  const exchangeForest = params.get('exchangeForest');
  if (!exchangeForest) return undefined;
  const lyncForest = params.get('lyncForest');
  return { exchangeForest, ...(lyncForest ? { lyncForest } : {}) };
}

export function readGrantPrefill(params: URLSearchParams): GrantPrefill | undefined {
  const ou = params.get('ou');
  if (!ou) return undefined;
  const forest = params.get('forest');
  const types = (params.get('types') ?? '').split(',').filter((t): t is OuObjectTypeName => ouObjectTypeSchema.safeParse(t).success);
  return { ou, types, ...(forest ? { forest } : {}), ...(params.get('action') === 'grant' ? { action: 'grant' as const } : {}) };
}
