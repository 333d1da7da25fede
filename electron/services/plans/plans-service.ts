import { randomBytes } from 'node:crypto';
import { ApiError } from '@shared/errors';
import type { ContactItem } from '@shared/models/contacts';
import type { Topology } from '@shared/models/topology';
import type { BulkOperation, UmState, ValidatedRow } from '@shared/models/enablement';
import type {
  ExportedPlan,
  PlanApplyResult,
  PlanContactOperation,
  PlanCheck,
  PlanDifference,
  PlanDocument,
  PlanFact,
  PlanIntent,
  PlanStep,
} from '@shared/models/plans';
import type { PlanExportRequest } from '@shared/api/plans';
import type { Language } from '@shared/models/settings';
import { Hashtable, MultiValuedChange, renderCommand, ScriptVariable } from '@shared/powershell/render-command';
import { dnEquals, parentDn, parseDn } from '@shared/dn';
import { actorOf } from '../capabilities/capabilities-service';
import type { ConnectionManager } from '../directory/connection-manager';
import {
  contactCreateWrite,
  contactEditModifications,
  contactEditParameters,
  contactPoolModification,
  contactPoolParameters,
  findPool,
  listContacts,
  type ContactsService,
} from '../contacts/contacts-service';
import type { DirectorySession, Modification } from '../directory/directory-session';
import type { EnablementService } from '../enablement/enablement-service';
import { asRunValues, runRowOf } from '../enablement/operations/operation';
import { operationOf } from '../enablement/operations/operations';
import type { GatewaySetupService } from '../gateways/gateway-setup-service';
import type { OuPermissionsService } from '../permissions/ou-permissions-service';
import type { TopologyService } from '../topology/topology-service';
import { NO_VALUE as NONE } from '@shared/plans/plan-text';
import { doneOutcome } from '@shared/enablement/operations';
import { planHash, readPlan } from './plan-document';
import { planScript } from './plan-script';
import { planSummaryHtml } from './plan-summary';

export interface PlansDeps {
  connections: ConnectionManager;
  topology: TopologyService;
  contacts: ContactsService;
  permissions: OuPermissionsService;
  gateways: GatewaySetupService;
  enablement: EnablementService;
}

/** A plan before it has an id, a date and a hash: what it does and what it depends on. */
interface Draft {
  profile: string;
  intent: PlanIntent;
  steps: PlanStep[];
  facts: PlanFact[];
}

/**
 * The most rows a bulk plan holds: about 15 MB of plan file (test/bench/plans.bench.ts), which the
 * console reads back well within what one request may carry (64 MB, electron/host/web-host.ts).
 */
export const MAX_PLAN_ROWS = 20_000;

/** Refuses a bulk plan of more rows than a plan file may hold, saying how to split it. */
export function assertPlanRows(count: number): void {
  if (count > MAX_PLAN_ROWS)
    throw new ApiError(
      'INVALID_INPUT',
      `${count.toLocaleString('en-US')} rows are ready: a change plan holds at most ${MAX_PLAN_ROWS.toLocaleString('en-US')}. Split the file into parts of at most ${MAX_PLAN_ROWS.toLocaleString('en-US')} rows and export a plan for each.`,
      { rows: count, max: MAX_PLAN_ROWS },
    );
}

/** The CSV columns a bulk plan is applied from, in this order (the mapping is their index; each operation reads its own). */
const planColumns = ['Identity', 'Extensions', 'SIPResourceIdentifier', 'UMMailboxPolicy', 'PIN', 'PINExpired', 'NotifyEmail', 'LineURI'] as const;
const planMapping = Object.fromEntries(planColumns.map((c, i) => [c, i]));

/**
 * Change plans: any planned write exported instead of applied — the plan as data, a PowerShell
 * script of the same commands, a summary for the change ticket — and applied later only while the
 * directory still holds the values the plan was made from. The commands come from the services'
 * own builders (contactCreateWrite, each bulk operation's calls, the permission and gateway previews);
 * an apply goes through the same services, so it is audited and journalled as any write.
 */
export class PlansService {
  constructor(private readonly deps: PlansDeps) {}

  /** Builds the plan of a write without writing anything, and its script and summary. */
  async export(request: PlanExportRequest, language: Language): Promise<ExportedPlan> {
    const draft = await this.draft(request);
    if (draft.steps.length === 0) throw new ApiError('INVALID_INPUT', 'Nothing to plan: the change would write nothing as the directory is now.');
    const session = await this.deps.connections.ensure(draft.profile);
    const unsigned = {
      format: 'umc-plan/1' as const,
      id: `plan-${randomBytes(6).toString('hex')}`,
      kind: draft.intent.kind,
      profile: draft.profile,
      preparedBy: actorOf(draft.profile, session),
      preparedAt: new Date().toISOString(),
      intent: draft.intent,
      steps: draft.steps,
      facts: draft.facts,
    };
    const plan: PlanDocument = { ...unsigned, hash: planHash(unsigned) };
    return {
      plan,
      files: [
        // Compact: a plan of the largest file the console takes must fit the size a plan may have (plan-document.ts).
        { name: `${plan.id}.json`, mediaType: 'application/json', content: `${JSON.stringify(plan)}\n` },
        { name: `${plan.id}.ps1`, mediaType: 'text/plain', content: planScript(plan) },
        { name: `${plan.id}-summary.html`, mediaType: 'text/html', content: planSummaryHtml(plan, language) },
      ],
    };
  }

  /** Reads an approved plan and the directory again: intact, and every value it depends on as it was? */
  async check(content: string, secrets: Record<string, string> = {}): Promise<PlanCheck> {
    const { plan, tampered } = readPlan(content);
    const needed = plan.steps.flatMap((s) => s.secrets);
    if (tampered) return { plan, state: 'tampered', differences: [], secrets: needed };
    const now = await this.reread(plan, secrets);
    const differences = compareFacts(plan.facts, now.facts);
    return { plan, state: differences.length ? 'changed' : 'matches', differences, secrets: needed };
  }

  /**
   * Applies an approved plan: refused (CONFLICT, with the differences) if it was edited or the
   * directory changed under it; else exactly its steps through the services that write them.
   */
  async apply(content: string, secrets: Record<string, string> = {}): Promise<PlanApplyResult> {
    const { plan, tampered } = readPlan(content);
    if (tampered)
      throw new ApiError('CONFLICT', `Plan ${plan.id} was changed after it was exported (its fingerprint does not match): export and approve it again.`, {
        planId: plan.id,
      });
    const missing = plan.steps.flatMap((s) => s.secrets).filter((s) => !secrets[s.variable]);
    if (missing.length)
      throw new ApiError('SECRET_REQUIRED', `The plan needs ${missing.map((s) => s.prompt).join(', ')}: the plan never holds secrets.`, {
        secrets: missing.map((s) => s.variable),
      });
    const now = await this.reread(plan, secrets);
    const differences = compareFacts(plan.facts, now.facts);
    if (differences.length)
      throw new ApiError(
        'CONFLICT',
        `The directory changed since plan ${plan.id} was exported; nothing was applied. Export a new plan and have it approved. ${differences
          .slice(0, 5)
          .map((d) => `${d.object} ${d.attribute}: planned "${d.planned}", now "${d.now}"`)
          .join('; ')}${differences.length > 5 ? ` (and ${differences.length - 5} more)` : ''}`,
        { planId: plan.id, differences },
      );
    return this.run(plan, now.importId);
  }

  private async draft(request: PlanExportRequest): Promise<Draft> {
    switch (request.kind) {
      case 'enablement':
        return this.draftBulk(request.importId);
      case 'contacts':
        return this.draftContacts(request.operations);
      case 'permissions':
        return this.draftPermissions(request);
      case 'gateways':
        return this.draftGateways(request.request);
    }
  }

  /** The current facts for the plan's intent, read the way the export read them. */
  private async reread(plan: PlanDocument, secrets: Record<string, string>): Promise<{ facts: PlanFact[]; importId?: string }> {
    const intent = plan.intent;
    switch (intent.kind) {
      case 'enablement': {
        // The rows are validated again by the same validator, from a file made of the plan's rows.
        const csv = [planColumns.join(',')];
        for (const row of intent.rows) csv.push(planColumns.map((c) => csvField(c === 'PIN' ? (secrets[`pin_${row.line}`] ?? '') : (row[c] ?? ''))).join(','));
        const summary = await this.deps.enablement.import({
          fileName: `${plan.id}.csv`,
          content: Buffer.from(csv.join('\r\n'), 'utf8').toString('base64'),
          encoding: 'utf-8',
          delimiter: ',',
        });
        const result = await this.deps.enablement.validate({
          importId: summary.importId,
          profile: plan.profile,
          mapping: planMapping,
          operation: intent.operation ?? 'enable',
          proposeExtensions: intent.proposeExtensions,
          allowSipMismatch: intent.allowSipMismatch,
        });
        const byLine = new Map(result.rows.map((r) => [r.line, r]));
        // Row i of the made file is line i + 2 (the header is line 1).
        return { facts: intent.rows.flatMap((row, i) => bulkFacts(intent.operation ?? 'enable', row.Identity, byLine.get(i + 2))), importId: summary.importId };
      }
      case 'contacts':
        return { facts: (await this.draftContacts(intent.operations)).facts };
      case 'permissions':
        return { facts: (await this.draftPermissions({ ...intent, profile: plan.profile })).facts };
      case 'gateways':
        return { facts: (await this.draftGateways(intent.request)).facts };
    }
  }

  private async run(plan: PlanDocument, importId: string | undefined): Promise<PlanApplyResult> {
    const intent = plan.intent;
    switch (intent.kind) {
      case 'enablement': {
        const lines = intent.rows.map((_, i) => i + 2);
        const job = await this.deps.enablement.start({ importId: importId!, dryRun: false, concurrency: 1, lines });
        const done = await this.deps.enablement.wait(job.jobId);
        const results = new Map(done.results.map((r) => [r.line, r]));
        return {
          planId: plan.id,
          jobId: job.jobId,
          steps: intent.rows.map((row, i) => {
            const r = results.get(i + 2);
            const outcome = r?.outcome === doneOutcome(intent.operation ?? 'enable') ? 'done' : r?.outcome === 'failed' ? 'failed' : 'skipped';
            return { target: row.Identity, outcome, ...(r?.messages.length ? { message: r.messages.join(' ') } : {}) };
          }),
        };
      }
      case 'contacts': {
        const steps: PlanApplyResult['steps'] = [];
        for (const operation of intent.operations) {
          const target = operation.op === 'create' ? operation.input.name : operation.input.dn;
          try {
            if (operation.op === 'create') await this.deps.contacts.create(operation.input);
            else if (operation.op === 'update') await this.deps.contacts.update(operation.input);
            else if (operation.op === 'move') await this.deps.contacts.move(operation.input);
            else await this.deps.contacts.delete(operation.input);
            steps.push({ target, outcome: 'done' });
          } catch (error) {
            steps.push({ target, outcome: 'failed', message: error instanceof Error ? error.message : String(error) });
            // What follows may depend on it: stop, as the script does ($ErrorActionPreference = 'Stop').
            break;
          }
        }
        return { planId: plan.id, steps };
      }
      case 'permissions': {
        const version = plan.facts.find((f) => f.attribute === DACL_VERSION)?.value;
        const { permissions } = this.deps;
        if (intent.action === 'grant') await permissions.grant(plan.profile, intent.ou, intent.types, intent.route, [], version);
        else await permissions.revoke(plan.profile, intent.ou, intent.types, intent.route, version);
        return { planId: plan.id, steps: [{ target: intent.ou, outcome: 'done' }] };
      }
      case 'gateways': {
        const result = await this.deps.gateways.apply(intent.request);
        return {
          planId: plan.id,
          steps: result.items
            .filter((item) => item.outcome !== 'already-present')
            .map((item) => ({
              target: item.id,
              outcome: item.outcome === 'created' ? 'done' : item.outcome === 'failed' ? 'failed' : 'skipped',
              ...(item.message ? { message: item.message } : {}),
            })),
        };
      }
    }
  }

  /**
   * The ready rows of a validated import, each as the runner would run it: the commands are the
   * operation's own calls (operations/*.ts), with a PIN from the file as a variable the script asks
   * for [S79]. A move row is two commands, a change row one or two, a voice row a Lync-shell step.
   */
  private async draftBulk(importId: string): Promise<Draft> {
    const { enablement } = this.deps;
    const session = enablement.session();
    if (!session || session.summary.importId !== importId || session.validation?.state !== 'done' || !session.profile)
      throw new ApiError('CONFLICT', 'Validate the file before exporting its plan: a plan holds the rows validation found ready.');
    const { rows } = enablement.rows({ importId, offset: 0, limit: 100_000, filter: 'ready' });
    if (rows.length === 0) throw new ApiError('INVALID_INPUT', 'No row of the file is ready: there is nothing to plan.');
    assertPlanRows(rows.length);
    const operation = operationOf(session.operation);
    const steps = rows.flatMap((row) => {
      const secret = row.values.PIN ? { variable: `pin_${row.line}`, prompt: `PIN for line ${row.line} (${row.values.Identity})` } : undefined;
      const asRun = asRunValues(row, row.values);
      const placeholder = secret ? `\u0000${secret.variable}` : '';
      const calls = operation.calls(runRowOf(row, asRun, { identity: asRun.Identity, inFile: {}, pin: placeholder, recheckFirst: false }), false);
      return calls.map((call, i) => ({
        shell: call.shell,
        target: row.values.Identity,
        command: renderCommand(call.cmdlet, planParameters(call.parameters, placeholder, secret?.variable)),
        // The script asks for a secret once, before the row's first command.
        secrets: secret && i === 0 ? [secret] : [],
      }));
    });
    return {
      profile: session.profile,
      intent: {
        kind: 'enablement',
        operation: operation.name,
        mapping: session.mapping,
        proposeExtensions: session.proposeExtensions,
        allowSipMismatch: session.validation.sipMismatchOverride.job,
        rows: rows.map((row) => ({
          line: row.line,
          Identity: row.values.Identity,
          Extensions: row.values.Extensions,
          SIPResourceIdentifier: row.values.SIPResourceIdentifier,
          UMMailboxPolicy: row.values.UMMailboxPolicy.trim(),
          PINExpired: row.values.PINExpired,
          NotifyEmail: row.values.NotifyEmail.trim(),
          ...(row.values.LineURI?.trim() ? { LineURI: row.values.LineURI.trim() } : {}),
          pin: !!row.values.PIN,
        })),
      },
      steps,
      facts: rows.flatMap((row) => bulkFacts(operation.name, row.values.Identity, row)),
    };
  }

  /**
   * Contacts to create, edit, move or delete. A create depends on its OU, on no other object
   * holding its name, SIP address or number (the service's own checks), and on what it would write
   * (the dial plan's phone context and the pool's DN are in it); an edit, a move and a delete on the
   * contact's values as loaded and its OU.
   */
  private async draftContacts(operations: PlanContactOperation[]): Promise<Draft> {
    const profile = operations[0]!.input.profile;
    if (operations.some((o) => o.input.profile !== profile)) throw new ApiError('INVALID_INPUT', 'A plan acts through one profile: split it by forest.');
    const session = await this.deps.connections.ensure(profile);
    const topology = await this.deps.topology.get({ refresh: true });
    const steps: PlanStep[] = [];
    const facts: PlanFact[] = [];
    for (const operation of operations) {
      if (operation.op === 'create') {
        const input = operation.input;
        if (input.likeDn)
          throw new ApiError('INVALID_INPUT', 'A contact modelled on another one cannot be planned: its attributes are learnt when it is written.', {
            field: 'likeDn',
          });
        const write = contactCreateWrite(topology, { ...input, route: input.route ?? 'ldap' });
        facts.push({ object: input.ouDn, attribute: 'exists', value: (await session.read(input.ouDn, ['1.1'])) ? 'yes' : 'no' });
        const { refusals } = await this.deps.contacts.check({
          profile,
          kind: input.kind,
          targetDn: input.targetDn,
          ouDn: input.ouDn,
          name: input.name,
          sipAddress: input.sipAddress,
          phoneNumber: input.phoneNumber,
          poolFqdn: input.poolFqdn,
          route: input.route,
        });
        facts.push({ object: input.name, attribute: 'refused because', value: refusals.map((r) => r.message).join(' ') || NONE });
        if (write.route === 'ldap') {
          const { objectClass: _class, ...attributes } = write.attributes;
          for (const [attribute, value] of Object.entries(attributes))
            facts.push({ object: write.dn, attribute, value: Array.isArray(value) ? value.join('; ') : value });
          // The same object as New-ADObject makes it: -Type the class, -Path the OU, the rest in -OtherAttributes [S80].
          const cn = parseDn(write.dn)[0]!.value;
          steps.push({
            shell: 'directory',
            target: write.dn,
            command: renderCommand('New-ADObject', { Name: cn, Type: 'contact', Path: parentDn(write.dn), OtherAttributes: new Hashtable(attributes) }),
            secrets: [],
          });
        } else {
          for (const [attribute, value] of Object.entries(write.parameters)) facts.push({ object: input.sipAddress, attribute, value: String(value) });
          steps.push({ shell: 'lync', target: input.sipAddress, command: renderCommand('New-CsExUmContact', write.parameters), secrets: [] });
        }
      } else {
        // An edit, a move and a delete act on the contact as loaded: its values, its version and its OU.
        const input = operation.input;
        const contact = listContacts(topology).find((c) => dnEquals(c.dn, input.dn));
        const values = {
          exists: contact ? 'yes' : 'no',
          version: contact?.version ?? NONE,
          name: contact?.displayName ?? NONE,
          sipAddress: contact?.sipAddress ?? NONE,
          phoneNumber: contact?.phoneNumber ?? NONE,
          pool: contact?.pool?.name ?? NONE,
          ou: parentDn(input.dn),
        };
        for (const [attribute, value] of Object.entries(values)) facts.push({ object: input.dn, attribute, value });
        const ldap = (input.route ?? 'ldap') === 'ldap';
        if (operation.op === 'delete') {
          steps.push(
            ldap
              ? { shell: 'directory', target: input.dn, command: renderCommand('Remove-ADObject', { Identity: input.dn }), secrets: [] }
              : {
                  shell: 'lync',
                  target: input.dn,
                  command: renderCommand('Remove-CsExUmContact', { Identity: contact?.sipAddress ?? input.dn }),
                  secrets: [],
                },
          );
          continue;
        }
        if (!contact) throw new ApiError('NOT_FOUND', `The contact no longer exists: ${input.dn}. Refresh the list.`);
        steps.push(...(await this.contactChangeSteps(session, topology, contact, operation, facts)));
      }
    }
    return { profile, intent: { kind: 'contacts', operations }, steps, facts };
  }

  /**
   * An edit or a move of a contact, as the contacts service writes it (its own builders): over
   * LDAP a Set-ADObject -Replace of the changed attributes [S85] and a Move-ADObject to the new OU
   * [S86]; on the Lync route Set-CsExUmContact, and Move-CsExUmContact for a new pool [S25].
   */
  private async contactChangeSteps(
    session: DirectorySession,
    topology: Topology,
    contact: ContactItem,
    operation: Extract<PlanContactOperation, { op: 'update' | 'move' }>,
    facts: PlanFact[],
  ): Promise<PlanStep[]> {
    const { input } = operation;
    const ldap = (input.route ?? 'ldap') === 'ldap';
    const steps: PlanStep[] = [];
    const setAd = (modifications: Modification[]): PlanStep => ({
      shell: 'directory',
      target: contact.dn,
      command: renderCommand('Set-ADObject', {
        Identity: contact.dn,
        Replace: new Hashtable(Object.fromEntries(modifications.map((m) => [m.attribute, m.values]))),
      }),
      secrets: [],
    });
    const changes = operation.op === 'update' ? operation.input.changes : {};
    if (operation.op === 'update') {
      if (ldap) {
        const proxies = (await session.read(contact.dn, ['proxyAddresses']))?.getAll('proxyAddresses') ?? [];
        const modifications = contactEditModifications(contact, proxies, changes);
        if (modifications.length) steps.push(setAd(modifications));
      } else if (changes.name !== undefined || changes.sipAddress !== undefined || changes.phoneNumber !== undefined) {
        steps.push({ shell: 'lync', target: contact.dn, command: renderCommand('Set-CsExUmContact', contactEditParameters(contact, changes)), secrets: [] });
      }
    }
    const poolFqdn = operation.op === 'update' ? changes.poolFqdn : operation.input.targetPoolFqdn;
    if (poolFqdn && poolFqdn.toLowerCase() !== contact.pool?.name.toLowerCase()) {
      const pool = findPool(topology, input.profile, poolFqdn);
      // Move-CsExUmContact finds the contact by its SIP address as the edit left it.
      const edited = { ...contact, sipAddress: changes.sipAddress ?? contact.sipAddress };
      steps.push(
        ldap
          ? setAd([contactPoolModification(pool)])
          : { shell: 'lync', target: contact.dn, command: renderCommand('Move-CsExUmContact', contactPoolParameters(edited, pool)), secrets: [] },
      );
    }
    const targetOu = operation.op === 'move' ? operation.input.targetOuDn : undefined;
    if (targetOu && !dnEquals(parentDn(contact.dn), targetOu)) {
      facts.push({ object: targetOu, attribute: 'exists', value: (await session.read(targetOu, ['1.1'])) ? 'yes' : 'no' });
      steps.push({
        shell: 'directory',
        target: contact.dn,
        command: renderCommand('Move-ADObject', { Identity: contact.dn, TargetPath: targetOu }),
        secrets: [],
      });
    }
    return steps;
  }

  /** An OU grant or revoke: its preview's commands, and the OU's DACL and the entries it adds or removes. */
  private async draftPermissions(request: Extract<PlanExportRequest, { kind: 'permissions' }>): Promise<Draft> {
    const preview = await this.deps.permissions.preview(request.profile, request.ou, request.types, request.action);
    const facts: PlanFact[] = [{ object: request.ou, attribute: DACL_VERSION, value: preview.daclVersion }];
    for (const ace of preview.changes)
      facts.push({
        object: request.ou,
        attribute: request.action === 'grant' ? 'entry to add' : 'entry to remove',
        value: `${ace.kind} ${ace.trustee} ${ace.rights.join(',')}${ace.object ? ` ${ace.object}` : ''} (${ace.appliesTo}${ace.appliesToClass ? ` ${ace.appliesToClass}` : ''})`,
      });
    const steps = preview.changes.length === 0 ? [] : preview.commands.map((command) => ({ shell: 'lync' as const, target: request.ou, command, secrets: [] }));
    return {
      profile: request.profile,
      intent: { kind: 'permissions', action: request.action, ou: request.ou, types: request.types, route: request.route },
      steps,
      facts,
    };
  }

  /** exchucutil's setup: the commands of every item to be created, and every item's status. */
  private async draftGateways(request: Extract<PlanIntent, { kind: 'gateways' }>['request']): Promise<Draft> {
    const plan = await this.deps.gateways.plan(request);
    const facts = plan.items.map((item) => ({ object: item.id, attribute: 'status', value: item.status }));
    const steps = plan.items.flatMap((item) => item.commands.map((command) => ({ shell: 'exchange' as const, target: item.id, command, secrets: [] })));
    return { profile: request.profile, intent: { kind: 'gateways', request }, steps, facts };
  }
}

const DACL_VERSION = 'DACL (SHA-256)';

/**
 * What a bulk row depends on: the user it resolves to and what validation found for it, as one
 * value per row (a plan of 100,000 rows stays a file the console can read back), and the values of
 * the user the operation's calls are made from or act on, as validation read them.
 */
function bulkFacts(operation: BulkOperation, identity: string, row: ValidatedRow | undefined): PlanFact[] {
  const value = row
    ? [
        row.status,
        row.user?.dn ?? NONE,
        `dial plan ${row.dialPlan ?? NONE}`,
        `policy ${row.policyDn ?? NONE}`,
        `extensions ${row.extensions.join(', ') || NONE}`,
        `SIP resource identifier ${row.sipResourceIdentifier ?? NONE}`,
      ].join(' · ')
    : NONE;
  // Extensions in a fixed order: the directory's order of proxy addresses is not a change.
  const text = (v: UmState[keyof UmState]) =>
    v === undefined || (Array.isArray(v) && v.length === 0)
      ? NONE
      : typeof v === 'boolean'
        ? v
          ? 'yes'
          : 'no'
        : Array.isArray(v)
          ? [...v].sort().join(', ')
          : v;
  return [
    { object: identity, attribute: 'validation', value },
    ...currentFacts[operation].map((attribute) => ({ object: identity, attribute, value: text(row?.before?.[attribute]) })),
  ];
}

/**
 * The user's values each operation depends on beyond validation's verdict: a change's Set-Mailbox
 * adds and removes from the extensions it read, a move keeps them, a disable and a PIN reset act on
 * a UM-enabled mailbox of its policy, a voice row on Lync's Enterprise Voice and line URI.
 */
const currentFacts: Record<BulkOperation, Array<keyof UmState>> = {
  enable: [],
  voice: ['enterpriseVoiceEnabled', 'lineUri'],
  change: ['umEnabled', 'policy', 'extensions'],
  pin: ['umEnabled', 'policy'],
  disable: ['umEnabled', 'policy'],
  move: ['umEnabled', 'policy', 'extensions', 'sipResourceIdentifier'],
};

/**
 * A call's parameters as the script shows them: the PIN placeholder the row was built with becomes
 * the variable the script asks for, and an add/remove of a multi-valued property (a change's
 * EUM addresses) the `@{Add=…; Remove=…}` Exchange takes.
 */
function planParameters(parameters: Record<string, unknown>, placeholder: string, variable: string | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(parameters).map(([name, value]) => {
      if (variable && value === placeholder) return [name, new ScriptVariable(variable)];
      if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).every((k) => k === 'Add' || k === 'Remove'))
        return [name, new MultiValuedChange(value as { Add?: string[]; Remove?: string[] })];
      return [name, value];
    }),
  );
}

/**
 * Every object attribute whose values are not as planned, and every one that is new. An attribute
 * may hold several values (the entries a grant adds): they are compared as a set.
 */
export function compareFacts(planned: PlanFact[], now: PlanFact[]): PlanDifference[] {
  const group = (facts: PlanFact[]) => {
    const groups = new Map<string, { object: string; attribute: string; values: string[] }>();
    for (const f of facts) {
      const key = `${f.object.toLowerCase()}\u0000${f.attribute}`;
      const entry = groups.get(key) ?? groups.set(key, { object: f.object, attribute: f.attribute, values: [] }).get(key)!;
      entry.values.push(f.value);
    }
    return groups;
  };
  const text = (values: string[] | undefined) => (values?.length ? [...values].sort().join('; ') : NONE);
  const before = group(planned);
  const after = group(now);
  const differences: PlanDifference[] = [];
  for (const [key, fact] of before) {
    const value = text(after.get(key)?.values);
    if (value !== text(fact.values)) differences.push({ object: fact.object, attribute: fact.attribute, planned: text(fact.values), now: value });
  }
  for (const [key, fact] of after)
    if (!before.has(key)) differences.push({ object: fact.object, attribute: fact.attribute, planned: NONE, now: text(fact.values) });
  return differences;
}

/** A CSV field, quoted so commas, quotes and line breaks stay in it. */
function csvField(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}
