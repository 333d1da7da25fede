import { renderCommand } from '@shared/powershell/render-command';
import { randomUUID } from 'node:crypto';
import type {
  ContactCheck,
  ContactCheckResult,
  ContactCreate,
  ContactDelete,
  ContactItem,
  ContactMove,
  ContactOptions,
  ContactProblem,
  ContactRefusal,
  ContactRoute,
  ContactShapePreview,
  ContactShapeRequest,
  ContactUpdate,
  ContactWarning,
  ContactWriteResult,
} from '@shared/models/contacts';
import type { LyncPool, Topology, UmContact } from '@shared/models/topology';
import { ApiError } from '@shared/errors';
import type { AuditLog } from '../audit/audit-log';
import { actorOf } from '../capabilities/capabilities-service';
import { canCreateChild, isMember, whoAmI, writableAttributes } from '../directory/account-rights';
import type { ConnectionManager } from '../directory/connection-manager';
import type { DirectorySession, Modification } from '../directory/directory-session';
import { filter } from '../directory/ldap-escape';
import { childDn, displayDn, dnEquals, domainOfDn, escapeDnValue, formatDn, parentDn, parseDn } from '@shared/dn';
import type { PowerShellService } from '../powershell/powershell-service';
import type { ProfileService } from '../profiles/profile-service';
import { toUmContact, umContactAttributes } from './contact-reader';
import { buildLinkIndex } from '../topology/resolve-links';
import type { TopologyService } from '../topology/topology-service';
import { isValidE164, isValidSipAddress, numberDigits } from '@shared/contacts/contact-values';
import { contactAttributes, type ContactRecipeInput } from './contact-recipe';
import { learnShape, type LearnedShape } from './contact-shape';

const REQUIRED_GROUPS = ['RTCUniversalServerAdmins', 'RTCUniversalUserAdmins'];

/** Describes what an OU grants (from the permissions service), for explaining a refusal. */
export type OuGrantDescriber = (session: DirectorySession, ouDn: string) => Promise<string | undefined>;

/**
 * Subscriber Access and Auto Attendant contacts: everything OcsUmUtil did, through one service
 * with two write routes — LDAP with the console's recipe, or the Lync shell's *-CsExUmContact
 * cmdlets when a Lync endpoint is configured. Every write checks rights first, refuses to
 * overwrite a contact changed since it was loaded, and is audited.
 */
export class ContactsService {
  describeOuGrants: OuGrantDescriber | undefined;

  constructor(
    private readonly connections: ConnectionManager,
    private readonly profiles: ProfileService,
    private readonly topology: TopologyService,
    private readonly powershell: PowerShellService,
    private readonly audit: AuditLog,
  ) {}

  /** Every SA/AA contact in the connected forests, with what is wrong with each. */
  async list(refresh = false): Promise<ContactItem[]> {
    const topology = await this.topology.get({ refresh });
    return listContacts(topology);
  }

  /** What the create form offers: OUs, pools and SIP domain per Lync forest, dial plans and auto attendants. */
  async options(): Promise<ContactOptions> {
    const topology = await this.topology.get();
    const lyncForests = topology.forests.filter((f) => f.lync);
    const forests = await Promise.all(
      lyncForests.map(async (f) => {
        const session = await this.connections.ensure(f.profile);
        const ous = await session.search(session.rootDse.defaultNamingContext, { filter: '(objectClass=organizationalUnit)', attributes: ['1.1'] });
        const sipDomains = f.contacts.map((c) => c.sipAddress?.split('@')[1]).filter((d): d is string => !!d);
        return {
          profile: f.profile,
          forest: f.forest,
          ous: ous.map((o) => ({ dn: o.dn, path: displayDn(o.dn) })).sort((a, b) => a.path.localeCompare(b.path)),
          pools: f.lync!.pools.filter(isContactHome).map((p) => ({ fqdn: p.fqdn, kind: p.kind, product: p.product })),
          templates: listContacts(topology)
            .filter((c) => c.forest === f.forest && c.kind !== 'Unknown' && !c.problems.some((p) => p.severity === 'error'))
            .map((c) => ({ dn: c.dn, name: c.displayName ?? c.dn, kind: c.kind as 'SA' | 'AA', sipAddress: c.sipAddress ?? '' })),
          sipDomain: mostCommon(sipDomains) ?? f.forest,
          powershell: !!this.profiles.get(f.profile).lync,
        };
      }),
    );
    const mismatch = new Set(topology.findings.filter((x) => x.code === 'lync-dial-plan-name-mismatch').map((x) => x.subject.dn.toLowerCase()));
    const dialPlans = topology.forests.flatMap((f) =>
      // OcsUmUtil lists the SIP dial plans only ("SIP Dial Plans", S1).
      (f.exchange?.dialPlans ?? [])
        .filter((d) => d.uriType === 'SipName')
        .map((d) => {
          const preSp1 = f.exchange!.servers.filter((s) => s.beforeExchange2010Sp1 && d.serverDns.some((x) => dnEquals(x, s.dn)));
          const known = topology.forests.some((x) => x.lync?.dialPlans !== undefined);
          return {
            dn: d.dn,
            name: d.name,
            forest: f.forest,
            uriType: d.uriType,
            phoneContext: d.phoneContext,
            accessNumbers: d.accessNumbers,
            nameCheck: {
              applies: preSp1.length > 0,
              satisfied: preSp1.length === 0 ? undefined : known ? !mismatch.has(d.dn.toLowerCase()) : undefined,
              servers: preSp1.map((s) => `${s.name} (${s.versionLabel})`).join(', '),
            },
          };
        }),
    );
    const autoAttendants = topology.forests.flatMap((f) =>
      (f.exchange?.autoAttendants ?? []).map((a) => ({
        dn: a.dn,
        name: a.name,
        forest: f.forest,
        dialPlan: f.exchange!.dialPlans.find((d) => a.dialPlanDn && dnEquals(d.dn, a.dialPlanDn))?.name,
        pilotNumbers: a.pilotNumbers,
      })),
    );
    return { forests, dialPlans, autoAttendants };
  }

  /**
   * "Create like this one": the attributes a contact modelled on an existing working one would
   * get, and each difference from the console's recipe, before anything is written.
   */
  async shape(input: ContactShapeRequest): Promise<ContactShapePreview> {
    const session = await this.connections.ensure(input.profile);
    const topology = await this.topology.get();
    const { learned, template } = await this.learn(session, topology, input, input.likeDn);
    return {
      template: { dn: template.dn, name: template.displayName ?? template.dn },
      cnForm: learned.cnForm,
      differences: learned.differences,
      notCopied: learned.notCopied,
    };
  }

  /**
   * What writing these values would be warned of or refused for, without writing: the form shows
   * it as the admin types, and create and update run the same checks before they write.
   */
  async check(input: ContactCheck): Promise<ContactCheckResult> {
    const session = await this.connections.ensure(input.profile);
    const topology = await this.topology.get();
    if (input.dn) {
      const contact = listContacts(topology).find((c) => dnEquals(c.dn, input.dn!));
      if (!contact) throw new ApiError('NOT_FOUND', `The contact no longer exists: ${input.dn}. Someone may have deleted it; refresh the list.`);
      const changes = { name: input.name, sipAddress: input.sipAddress, phoneNumber: input.phoneNumber, poolFqdn: input.poolFqdn };
      return this.assess(session, topology, editedState(topology, contact, changes), changedFields(contact, changes));
    }
    if (!input.kind || !input.targetDn)
      throw new ApiError('INVALID_INPUT', 'Give the contact type and its dial plan or auto attendant, or the contact being edited.', { field: 'targetDn' });
    const target = findTarget(topology, input.kind, input.targetDn);
    const newDn = input.ouDn ? nameDn(topology, { ...input, ouDn: input.ouDn }) : undefined;
    return this.assess(
      session,
      topology,
      { kind: input.kind, target, name: input.name, sipAddress: input.sipAddress, phoneNumber: input.phoneNumber, poolFqdn: input.poolFqdn, newDn },
      ['sipAddress', 'phoneNumber', 'poolFqdn'],
    );
  }

  async create(input: ContactCreate): Promise<ContactWriteResult> {
    const session = await this.connections.ensure(input.profile);
    const topology = await this.topology.get();
    validateSip(input.sipAddress);
    validatePhone(input.phoneNumber);
    const target = findTarget(topology, input.kind, input.targetDn);
    if (!(await session.read(input.ouDn, ['1.1']))) throw new ApiError('NOT_FOUND', `The organizational unit does not exist: ${input.ouDn}.`);
    const newDn = nameDn(topology, input);
    const { warnings, refusals } = await this.assess(
      session,
      topology,
      { kind: input.kind, target, name: input.name, sipAddress: input.sipAddress, phoneNumber: input.phoneNumber, poolFqdn: input.poolFqdn, newDn },
      ['sipAddress', 'phoneNumber', 'poolFqdn'],
    );
    if (refusals[0]) throw refusalError(refusals[0]);
    const pool = findPool(topology, input.profile, input.poolFqdn);
    const route = this.route(input.profile, input.route);
    if (input.likeDn && route !== 'ldap')
      throw new ApiError('INVALID_INPUT', 'A contact modelled on another one is written over LDAP: New-CsExUmContact writes its own shape.', {
        field: 'likeDn',
      });

    if (!(await canCreateChild(session, input.ouDn, 'contact'))) throw await this.refusal(session, 'create', input.ouDn);

    let dn: string;
    let command: string | undefined;
    const after = {
      kind: input.kind,
      name: input.name,
      sipAddress: input.sipAddress,
      phoneNumber: input.phoneNumber,
      pool: pool.fqdn,
      target: target.dn,
      ...(input.likeDn ? { like: input.likeDn } : {}),
    };
    const write = contactCreateWrite(topology, { ...input, route });
    if (write.route === 'ldap') {
      let attributes = write.attributes;
      if (input.likeDn) attributes = (await this.learn(session, topology, input, input.likeDn)).learned.attributes;
      dn = write.dn;
      await this.audited(input.profile, session, 'contact.create', dn, route, undefined, after, () => session.add(dn, attributes));
    } else {
      // New-CsExUmContact is documented for hosted Exchange UM [S3][S26]: its contact names no dial
      // plan or auto attendant; the console says so rather than pretend it is OcsUmUtil's.
      warnings.push({ code: 'hosted-cmdlet', params: {} });
      const parameters = write.parameters;
      command = renderCommand('New-CsExUmContact', parameters);
      await this.audited(input.profile, session, 'contact.create', input.sipAddress, route, undefined, after, () =>
        this.powershell.invoke(input.profile, 'lync', 'New-CsExUmContact', parameters),
      );
      dn = (await findBySip(session, input.sipAddress))?.dn ?? input.sipAddress;
    }
    this.topology.invalidate('contact created');
    return { route, dn, contact: await this.reload(dn), warnings, command, actor: actorOf(input.profile, session) };
  }

  /** Reads the template contact and learns its shape for the new contact's values. */
  private async learn(
    session: DirectorySession,
    topology: Topology,
    input: Omit<ContactShapeRequest, 'likeDn'>,
    likeDn: string,
  ): Promise<{ learned: LearnedShape; template: ContactItem }> {
    const template = listContacts(topology).find((c) => dnEquals(c.dn, likeDn));
    if (!template)
      throw new ApiError('NOT_FOUND', `There is no SA/AA contact ${likeDn} in the connected forests to model the new one on.`, { field: 'likeDn' });
    const entry = await session.read(likeDn, ['*']);
    if (!entry) throw new ApiError('NOT_FOUND', `The contact ${likeDn} no longer exists.`, { field: 'likeDn' });
    const target = findTarget(topology, input.kind, input.targetDn);
    const pool = findPool(topology, input.profile, input.poolFqdn);
    const templateTarget = template.target?.name ?? template.dialPlan?.name;
    const learned = learnShape(
      {
        dn: entry.dn,
        attributes: entry.toRaw(),
        values: {
          name: template.displayName ?? '',
          sipAddress: template.sipAddress ?? '',
          phoneNumber: template.phoneNumber ?? '',
          targetDn: template.targetDn ?? template.target?.dn,
          phoneContext: template.phoneContext,
          targetName: templateTarget,
          poolServiceDn: template.poolServiceDn,
        },
      },
      recipeFor(input, target, pool),
    );
    return { learned, template };
  }

  /** Changes name, SIP address, number and pool; a new pool is moved to as Move-CsExUmContact does [S25]. */
  async update(input: ContactUpdate): Promise<ContactWriteResult> {
    const session = await this.connections.ensure(input.profile);
    const topology = await this.topology.get();
    const current = await this.current(session, input.dn, input.expectedVersion, input.loaded, topology);
    const changes = input.changes;
    if (changes.sipAddress !== undefined) validateSip(changes.sipAddress);
    if (changes.phoneNumber !== undefined) validatePhone(changes.phoneNumber);
    const { warnings, refusals } = await this.assess(
      session,
      topology,
      editedState(topology, current.contact, changes),
      changedFields(current.contact, changes),
    );
    if (refusals[0]) throw refusalError(refusals[0]);
    const route = this.route(input.profile, input.route);
    const modifications = contactEditModifications(current.contact, current.proxyAddresses, changes);
    const newPool =
      changes.poolFqdn !== undefined && changes.poolFqdn.toLowerCase() !== current.contact.pool?.name.toLowerCase() ? changes.poolFqdn : undefined;
    if (modifications.length === 0 && !newPool)
      return { route, dn: input.dn, contact: await this.reload(input.dn), warnings, actor: actorOf(input.profile, session) };
    const commands: string[] = [];
    if (modifications.length > 0) {
      const writable = await writableAttributes(session, input.dn);
      if (modifications.some((m) => !writable.has(m.attribute.toLowerCase())))
        throw await this.refusal(
          session,
          'edit',
          parentDn(input.dn),
          modifications.map((m) => m.attribute).filter((a) => !writable.has(a.toLowerCase())),
        );
      const before = snapshot(current.contact);
      const after = {
        ...before,
        name: changes.name ?? before.name,
        sipAddress: changes.sipAddress ?? before.sipAddress,
        phoneNumber: changes.phoneNumber ?? before.phoneNumber,
      };
      if (route === 'ldap') {
        await this.audited(input.profile, session, 'contact.update', input.dn, route, before, after, () => session.modify(input.dn, modifications));
      } else {
        const parameters = contactEditParameters(current.contact, changes);
        commands.push(renderCommand('Set-CsExUmContact', parameters));
        await this.audited(input.profile, session, 'contact.update', input.dn, route, before, after, () =>
          this.powershell.invoke(input.profile, 'lync', 'Set-CsExUmContact', parameters),
        );
      }
    }
    if (newPool) {
      // After the other changes: Move-CsExUmContact finds the contact by its new SIP address, and the audit shows its new values.
      const changed = {
        ...current.contact,
        displayName: changes.name ?? current.contact.displayName,
        sipAddress: changes.sipAddress ?? current.contact.sipAddress,
        phoneNumber: changes.phoneNumber ?? current.contact.phoneNumber,
      };
      const command = await this.changePool(input.profile, session, topology, changed, newPool, route);
      if (command) commands.push(command);
    }
    this.topology.invalidate('contact changed');
    return {
      route,
      dn: input.dn,
      contact: await this.reload(input.dn),
      warnings,
      command: commands.join('\n') || undefined,
      actor: actorOf(input.profile, session),
    };
  }

  /**
   * Homes a contact on another pool: Move-CsExUmContact on the Lync route [S25], else the pool
   * attribute over LDAP. Only pools OcsUmUtil offers (isContactHome). Returns the command line.
   */
  private async changePool(
    profile: string,
    session: DirectorySession,
    topology: Topology,
    contact: ContactItem,
    poolFqdn: string,
    route: ContactRoute,
  ): Promise<string | undefined> {
    const pool = findPool(topology, profile, poolFqdn);
    const before = snapshot(contact);
    if (route === 'ldap') {
      const writable = await writableAttributes(session, contact.dn);
      if (!writable.has('msrtcsip-primaryhomeserver')) throw await this.refusal(session, 'edit', parentDn(contact.dn), ['msRTCSIP-PrimaryHomeServer']);
      await this.audited(profile, session, 'contact.move-pool', contact.dn, route, before, { ...before, pool: pool.fqdn }, () =>
        session.modify(contact.dn, [contactPoolModification(pool)]),
      );
      return undefined;
    }
    const parameters = contactPoolParameters(contact, pool);
    await this.audited(profile, session, 'contact.move-pool', contact.dn, route, before, { ...before, pool: pool.fqdn }, () =>
      this.powershell.invoke(profile, 'lync', 'Move-CsExUmContact', parameters),
    );
    return renderCommand('Move-CsExUmContact', parameters);
  }

  /** Moves a contact to another OU (LDAP only: no Lync cmdlet does it) and/or another pool. */
  async move(input: ContactMove): Promise<ContactWriteResult> {
    const session = await this.connections.ensure(input.profile);
    const topology = await this.topology.get();
    const current = await this.current(session, input.dn, input.expectedVersion, input.loaded, topology);
    const route = this.route(input.profile, input.route);
    let dn = input.dn;
    let command: string | undefined;
    const before = snapshot(current.contact);
    if (input.targetPoolFqdn && input.targetPoolFqdn.toLowerCase() !== current.contact.pool?.name.toLowerCase()) {
      command = await this.changePool(input.profile, session, topology, current.contact, input.targetPoolFqdn, route);
    }
    if (input.targetOuDn && !dnEquals(parentDn(dn), input.targetOuDn)) {
      if (!(await session.read(input.targetOuDn, ['1.1']))) throw new ApiError('NOT_FOUND', `The organizational unit does not exist: ${input.targetOuDn}.`);
      if (!(await canCreateChild(session, input.targetOuDn, 'contact'))) throw await this.refusal(session, 'move', input.targetOuDn);
      const rdn = formatDn(parseDn(dn).slice(0, 1));
      const target = `${rdn},${input.targetOuDn}`;
      try {
        await this.audited(input.profile, session, 'contact.move-ou', dn, 'ldap', before, { ...before, ou: displayDn(input.targetOuDn) }, () =>
          session.rename(dn, rdn, input.targetOuDn),
        );
      } catch (error) {
        if (error instanceof ApiError && error.code === 'ACCESS_DENIED') throw await this.refusal(session, 'move', input.targetOuDn);
        throw error;
      }
      dn = target;
    }
    this.topology.invalidate('contact moved');
    return { route, dn, contact: await this.reload(dn), warnings: [], command, actor: actorOf(input.profile, session) };
  }

  async delete(input: ContactDelete): Promise<ContactWriteResult> {
    const session = await this.connections.ensure(input.profile);
    const topology = await this.topology.get();
    const current = await this.current(session, input.dn, input.expectedVersion, input.loaded, topology);
    const route = this.route(input.profile, input.route);
    const before = snapshot(current.contact);
    let command: string | undefined;
    try {
      if (route === 'ldap') {
        await this.audited(input.profile, session, 'contact.delete', input.dn, route, before, undefined, () => session.delete(input.dn));
      } else {
        const parameters = { Identity: current.contact.sipAddress ?? input.dn };
        command = renderCommand('Remove-CsExUmContact', parameters);
        await this.audited(input.profile, session, 'contact.delete', input.dn, route, before, undefined, () =>
          this.powershell.invoke(input.profile, 'lync', 'Remove-CsExUmContact', parameters),
        );
      }
    } catch (error) {
      if (error instanceof ApiError && error.code === 'ACCESS_DENIED') throw await this.refusal(session, 'delete', parentDn(input.dn));
      throw error;
    }
    this.topology.invalidate('contact deleted');
    return { route, dn: input.dn, warnings: [], command, actor: actorOf(input.profile, session) };
  }

  /** OcsUmUtil's "new OU" from the OU picker. */
  async createOu(profile: string, parent: string, name: string): Promise<{ dn: string; path: string }> {
    const session = await this.connections.ensure(profile);
    const dn = `OU=${escapeDnValue(name)},${parent}`;
    if (!(await canCreateChild(session, parent, 'organizationalUnit'))) {
      const account = await whoAmI(session);
      throw new ApiError(
        'ACCESS_DENIED',
        `${account.name} may not create organizational units in ${displayDn(parent)}. Ask a domain admin to create it or to delegate "Create Organizational Unit objects" there.`,
      );
    }
    await this.audited(profile, session, 'ou.create', dn, 'ldap', undefined, { dn }, () => session.add(dn, { objectClass: 'organizationalUnit' }));
    return { dn, path: displayDn(dn) };
  }

  private route(profile: string, requested: ContactRoute): ContactRoute {
    if (requested === 'powershell' && !this.profiles.get(profile).lync) {
      throw new ApiError('POWERSHELL_UNAVAILABLE', `Profile ${profile} has no Lync PowerShell endpoint; use the LDAP route or add the endpoint in Settings.`);
    }
    return requested;
  }

  /** Reads the contact now and refuses if it changed since the admin loaded it, saying what changed. */
  private async current(
    session: DirectorySession,
    dn: string,
    expectedVersion: string,
    loaded: ContactUpdate['loaded'],
    topology: Topology,
  ): Promise<{ contact: ContactItem; proxyAddresses: string[] }> {
    const entry = await session.read(dn, [...umContactAttributes, 'proxyAddresses']);
    if (!entry) throw new ApiError('NOT_FOUND', `The contact no longer exists: ${dn}. Someone may have deleted it; refresh the list.`);
    const fresh = toUmContact(entry, session.rootDse.forestDnsName);
    buildLinkIndex(topology.forests).resolveContact(fresh);
    const contact = itemFor(fresh, topology, this.profileFor(topology, session));
    if (entry.get('uSNChanged') !== expectedVersion) {
      const now = { name: contact.displayName, sipAddress: contact.sipAddress, phoneNumber: contact.phoneNumber, poolFqdn: contact.pool?.name, ou: contact.ou };
      const changed = (Object.keys(now) as Array<keyof typeof now>)
        .filter((k) => loaded[k] !== undefined && loaded[k] !== now[k])
        .map((k) => ({ field: k, loaded: loaded[k] ?? '', current: now[k] ?? '' }));
      throw new ApiError(
        'CONFLICT',
        `The contact was changed since you loaded it${changed.length ? ` (${changed.map((c) => `${c.field}: "${c.loaded}" → "${c.current}"`).join('; ')})` : ''}. Nothing was written; reload it and apply your change again.`,
        { changed, version: entry.get('uSNChanged') },
      );
    }
    return { contact, proxyAddresses: entry.getAll('proxyAddresses') };
  }

  private profileFor(topology: Topology, session: DirectorySession): string {
    return topology.forests.find((f) => f.forest === session.rootDse.forestDnsName)?.profile ?? '';
  }

  private async reload(dn: string): Promise<ContactItem | undefined> {
    const topology = await this.topology.get({ refresh: true });
    return listContacts(topology).find((c) => dnEquals(c.dn, dn)) ?? undefined;
  }

  /**
   * The one place a contact's values are judged before a write (create, update and the form's
   * check). Refusals are what Lync or AD does not allow: nothing is written. Warnings are what
   * Microsoft allows but an admin should decide knowingly: the write goes ahead. `changed` names
   * the values being set, which alone can be refused (an edit never fails on a value it keeps).
   */
  private async assess(
    session: DirectorySession,
    topology: Topology,
    state: ContactState,
    changed: Array<'sipAddress' | 'phoneNumber' | 'poolFqdn'>,
  ): Promise<ContactCheckResult> {
    const refusals: ContactRefusal[] = [];
    const warnings: ContactWarning[] = [];
    const others = topology.forests.flatMap((f) => f.contacts).filter((c) => !state.dn || !dnEquals(c.dn, state.dn));
    const display = (c: UmContact) => c.displayName ?? c.dn;

    // Refused: "a new address that does not already exist as a user or contact" (New-CsExUmContact's SipAddress, S3).
    if (changed.includes('sipAddress') && state.sipAddress) {
      const holders = (
        await session.search(session.rootDse.defaultNamingContext, {
          filter: filter`(|(msRTCSIP-PrimaryUserAddress=${state.sipAddress})(proxyAddresses=${state.sipAddress}))`,
          attributes: ['displayName'],
        })
      ).filter((e) => !state.dn || !dnEquals(e.dn, state.dn));
      const holder = holders[0];
      if (holder)
        refusals.push({
          code: 'sip-taken',
          field: 'sipAddress',
          message: `${state.sipAddress} is already used by ${holder.dn}. SIP addresses must be unique in the forest.`,
          params: { sip: state.sipAddress, holder: holder.get('displayName') ?? holder.dn, holderDn: holder.dn },
        });
    }
    // Refused: "no two Exchange UM contacts can have the same display number" (DisplayNumber, S3).
    if (changed.includes('phoneNumber') && state.phoneNumber) {
      const holder = others.find((c) => numberDigits(c.phoneNumber) === numberDigits(state.phoneNumber));
      if (holder)
        refusals.push({
          code: 'number-taken',
          field: 'phoneNumber',
          message: `${state.phoneNumber} is already the number of ${display(holder)}. Each SA/AA contact needs its own number.`,
          params: { number: state.phoneNumber, holder: display(holder), holderDn: holder.dn },
        });
    }
    // Refused: AD names an object by its CN, unique in its container; the name is the new contact's CN.
    if (state.newDn && (await session.read(state.newDn, ['1.1']))) {
      refusals.push({
        code: 'name-taken',
        field: 'name',
        message: `An object named "${state.name}" already exists in ${displayDn(parentDn(state.newDn))}. Give the contact another name.`,
        params: { name: state.name, ou: displayDn(parentDn(state.newDn)), holderDn: state.newDn },
      });
    }
    // Refused: only the pools OcsUmUtil offers [S1] and Lync can move a contact to [S25].
    if (changed.includes('poolFqdn') && state.poolFqdn) {
      const pool = poolsOf(topology).find((p) => p.fqdn.toLowerCase() === state.poolFqdn!.toLowerCase());
      const refusal = pool && poolRefusal(pool);
      if (refusal) refusals.push(refusal);
    }

    const target = state.target;
    if (target && state.phoneNumber && !target.numbers.some((n) => numberDigits(n) === numberDigits(state.phoneNumber))) {
      // Warned: OcsUmUtil lets the admin "Enter phone number" instead of Exchange UM's [S1 step 9], e.g. a
      // DID number routed to it; but a number Exchange UM does not know is usually a typing mistake.
      warnings.push({
        code: state.kind === 'AA' ? 'number-not-pilot-number' : 'number-not-access-number',
        params: { number: state.phoneNumber, target: target.name, numbers: target.numbers.join(', ') || '—' },
      });
    }
    if (target && (state.kind === 'SA' || state.kind === 'AA')) {
      // Warned: a dial plan can have several access numbers (AccessTelephoneNumbers, S15) and an auto
      // attendant several pilot numbers, each with its contact; OcsUmUtil asks for at least one [S1].
      // A second contact is right for another number, and a mistake when it repeats the first.
      const same = others.filter((c) => c.kind === state.kind && c.target && dnEquals(c.target.dn, target.dn));
      if (same.length)
        warnings.push({
          code: state.kind === 'SA' ? 'dial-plan-has-sa-contact' : 'auto-attendant-has-aa-contact',
          params: { target: target.name, others: same.map((c) => `${display(c)} (${c.phoneNumber ?? '—'})`).join(', ') },
        });
    }
    // Warned, as the topology finds it: a dial plan whose VoIP security Lync's encryption cannot use
    // fails every call [S4][S9][S10]; the contact is right, the fix is on the dial plan.
    // Also OcsUmUtil's dial plan name check (before Exchange 2010 SP1) [S1].
    const dialPlanDn = target?.dialPlanDn;
    for (const finding of topology.findings) {
      if (!dialPlanDn || !dnEquals(finding.subject.dn, dialPlanDn)) continue;
      if (finding.code === 'sip-dial-plan-unsecured' || finding.code === 'voip-security-incompatible' || finding.code === 'lync-dial-plan-name-mismatch')
        warnings.push({ code: finding.code, params: finding.params });
    }
    // Warned: OcsUmUtil's documented requirement is both RTC admin groups [S1][S27]; the directory
    // decides what this account may write, so an account that has the OU rights may go ahead.
    const account = await whoAmI(session);
    const missing = REQUIRED_GROUPS.filter((g) => !isMember(account, g));
    if (missing.length) warnings.push({ code: 'missing-groups', params: { account: account.name, groups: missing.join(', ') } });
    return { warnings, refusals };
  }

  /** A refusal in admin terms: which account, which groups it lacks, and what the OU grants. */
  private async refusal(session: DirectorySession, action: 'create' | 'edit' | 'delete' | 'move', ouDn: string, attributes: string[] = []): Promise<ApiError> {
    const account = await whoAmI(session);
    const missing = REQUIRED_GROUPS.filter((g) => !isMember(account, g));
    const grants = await this.describeOuGrants?.(session, ouDn).catch(() => undefined);
    const where = displayDn(ouDn);
    const what = {
      create: `create contacts in ${where}`,
      move: `move contacts into ${where}`,
      edit: `change ${attributes.join(', ')} on contacts in ${where}`,
      delete: `delete contacts in ${where}`,
    }[action];
    const parts = [`${account.name} may not ${what}.`];
    if (missing.length)
      parts.push(`The account is not in ${missing.join(' or ')}; managing SA/AA contacts needs both RTCUniversalServerAdmins and RTCUniversalUserAdmins.`);
    if (grants) parts.push(grants);
    if (action === 'move') {
      parts.push(
        'Moving a contact between OUs needs "Delete Contact objects" where it is, "Create Contact objects" where it goes, and the right to write its name (cn). Grant-CsOUPermission -ObjectType Device gives the first two, not the last: ask a domain admin to move it or to delegate "Write name".',
      );
    } else if (action === 'create') {
      parts.push(
        'Creating contacts needs "Create Contact objects" on the OU: Grant-CsOUPermission -ObjectType Device gives it to RTCUniversalUserAdmins, or a domain admin can delegate it. The Contact grant alone lets them edit existing contacts\' Lync attributes, not create contacts.',
      );
    } else if (action === 'delete') {
      parts.push('Deleting contacts needs "Delete Contact objects" on the OU (the Device grant, or a delegation).');
    } else {
      parts.push('Editing the Lync attributes of contacts needs Grant-CsOUPermission -ObjectType Contact on the OU.');
    }
    return new ApiError('ACCESS_DENIED', parts.join(' '), { account: account.name, missingGroups: missing, ou: ouDn, action });
  }

  private async audited<T>(
    profile: string,
    session: DirectorySession,
    action: string,
    target: string,
    route: ContactRoute,
    before: unknown,
    after: unknown,
    write: () => Promise<T>,
  ): Promise<T> {
    const audited = this.audit.begin({ actor: actorOf(profile, session), action, target, route, before, after });
    try {
      const result = await write();
      audited.succeeded();
      return result;
    } catch (error) {
      audited.failed(error instanceof Error ? error.message : String(error));
      throw error;
    }
  }
}

/** What an edit writes over LDAP, the changed values only: a new SIP address replaces the sip: proxy address, a new number the line URI too. */
export function contactEditModifications(contact: ContactItem, proxyAddresses: string[], changes: ContactUpdate['changes']): Modification[] {
  const modifications: Modification[] = [];
  if (changes.name !== undefined && changes.name !== contact.displayName)
    modifications.push({ operation: 'replace', attribute: 'displayName', values: changes.name });
  if (changes.sipAddress !== undefined && changes.sipAddress !== contact.sipAddress) {
    const proxies = proxyAddresses.filter((p) => !/^sip:/i.test(p));
    modifications.push(
      { operation: 'replace', attribute: 'msRTCSIP-PrimaryUserAddress', values: changes.sipAddress },
      { operation: 'replace', attribute: 'proxyAddresses', values: [...proxies, changes.sipAddress] },
    );
  }
  if (changes.phoneNumber !== undefined && changes.phoneNumber !== contact.phoneNumber) {
    modifications.push(
      { operation: 'replace', attribute: 'telephoneNumber', values: changes.phoneNumber },
      { operation: 'replace', attribute: 'msRTCSIP-Line', values: `tel:${changes.phoneNumber}` },
    );
  }
  return modifications;
}

/** Set-CsExUmContact's parameters for an edit on the Lync route. */
export function contactEditParameters(contact: ContactItem, changes: ContactUpdate['changes']): Record<string, unknown> {
  return { Identity: contact.sipAddress ?? contact.dn, SipAddress: changes.sipAddress, DisplayNumber: changes.phoneNumber, Description: changes.name };
}

/** A contact homed on another pool over LDAP: its home server attribute. */
export function contactPoolModification(pool: { serviceDn: string }): Modification {
  return { operation: 'replace', attribute: 'msRTCSIP-PrimaryHomeServer', values: pool.serviceDn };
}

/** Move-CsExUmContact's parameters: a contact homed on another pool on the Lync route [S25]. */
export function contactPoolParameters(contact: ContactItem, pool: { fqdn: string }): Record<string, unknown> {
  return { Identity: contact.sipAddress ?? contact.dn, Target: pool.fqdn };
}
/** The list with problems, from a topology (pure; also used after each write). */
export function listContacts(topology: Topology): ContactItem[] {
  const profileOf = (forest: string) => topology.forests.find((f) => f.forest === forest)?.profile ?? '';
  return topology.forests.flatMap((f) => f.contacts.map((c) => itemFor(c, topology, profileOf(c.forest))));
}

function itemFor(c: UmContact, topology: Topology, profile: string): ContactItem {
  const problems: ContactProblem[] = [];
  const connected = new Set(topology.forests.map((f) => f.forest));
  const all = topology.forests.flatMap((f) => f.contacts);
  // The target named by msDS-SourceObjectDN, or the dial plan named by otherIpPhone's phone
  // context, which Exchange builds as <dial plan>.<forest FQDN> [S11].
  const targetForest = c.targetDn ? domainOfDn(c.targetDn) : c.phoneContext?.split('.').slice(1).join('.').toLowerCase();
  const elsewhere = !c.target && !!targetForest && !connected.has(targetForest);
  if (elsewhere) problems.push({ code: 'target-other-forest', severity: 'info', params: { target: c.targetDn ?? c.phoneContext ?? '', forest: targetForest } });
  else if (c.targetDn && !c.target) problems.push({ code: 'target-missing', severity: 'error', params: { target: c.targetDn } });
  const ownForest = topology.forests.find((f) => f.forest === c.forest);
  if (c.poolServiceDn && !c.pool && (ownForest?.lync?.pools.length ?? 0) > 0)
    problems.push({ code: 'pool-missing', severity: 'error', params: { pool: c.poolServiceDn } });
  const digits = (n?: string) => (n ?? '').replace(/\D/g, '');
  const sameNumber = all.filter((o) => o.dn !== c.dn && c.phoneNumber && digits(o.phoneNumber) === digits(c.phoneNumber));
  if (sameNumber.length)
    problems.push({
      code: 'duplicate-number',
      severity: 'error',
      params: { number: c.phoneNumber ?? '', others: sameNumber.map((o) => o.displayName ?? o.dn).join(', ') },
    });
  const sameSip = all.filter((o) => o.dn !== c.dn && c.sipAddress && o.sipAddress?.toLowerCase() === c.sipAddress.toLowerCase());
  if (sameSip.length)
    problems.push({
      code: 'duplicate-sip',
      severity: 'error',
      params: { sip: c.sipAddress ?? '', others: sameSip.map((o) => o.displayName ?? o.dn).join(', ') },
    });
  if (c.kind === 'Unknown' && !elsewhere) problems.push({ code: 'kind-unknown', severity: 'warning', params: {} });
  // With Enterprise Voice off "the Auto Attendant or Subscriber Access feature … will no longer be available" [S3].
  if (!c.enterpriseVoice) problems.push({ code: 'not-enterprise-voice', severity: 'error', params: {} });
  // No msDS-SourceObjectDN and no app:exum phone context: the shape New-CsExUmContact gives contacts for hosted UM [S3].
  if (!c.targetDn && !c.phoneContext) problems.push({ code: 'hosted-shape', severity: 'warning', params: {} });
  const mismatch = c.dialPlan && topology.findings.find((f) => f.code === 'lync-dial-plan-name-mismatch' && dnEquals(f.subject.dn, c.dialPlan!.dn));
  if (mismatch) problems.push({ code: 'lync-dial-plan-name-mismatch', severity: 'warning', params: mismatch.params });
  return { ...c, profile, version: c.version ?? '', problems };
}

function validateSip(value: string): void {
  if (!isValidSipAddress(value))
    throw new ApiError('INVALID_INPUT', `"${value}" is not a SIP address. It must look like sip:name@contoso.com.`, { field: 'sipAddress' });
}

function validatePhone(value: string): void {
  if (!isValidE164(value))
    throw new ApiError(
      'INVALID_INPUT',
      `"${value}" is not an E.164 number. Write it as + and the country code, e.g. +14255550100 (first digit not 0, at most 15 digits).`,
      { field: 'phoneNumber' },
    );
}

/** The dial plan (SA) or auto attendant (AA) a contact stands for, with the numbers Exchange UM has for it. */
interface Target {
  dn: string;
  name: string;
  dialPlanDn?: string;
  phoneContext?: string;
  /** The dial plan's access numbers (AccessTelephoneNumbers, S15) or the auto attendant's pilot numbers. */
  numbers: string[];
}

function findTarget(topology: Topology, kind: 'SA' | 'AA', dn: string): Target {
  for (const f of topology.forests) {
    if (kind === 'SA') {
      const dp = f.exchange?.dialPlans.find((d) => dnEquals(d.dn, dn));
      if (dp) return { dn: dp.dn, name: dp.name, dialPlanDn: dp.dn, phoneContext: dp.phoneContext, numbers: dp.accessNumbers };
    } else {
      const aa = f.exchange?.autoAttendants.find((a) => dnEquals(a.dn, dn));
      const dp = aa?.dialPlanDn ? f.exchange?.dialPlans.find((d) => dnEquals(d.dn, aa.dialPlanDn!)) : undefined;
      if (aa) return { dn: aa.dn, name: aa.name, dialPlanDn: aa.dialPlanDn, phoneContext: dp?.phoneContext, numbers: aa.pilotNumbers };
    }
  }
  throw new ApiError('NOT_FOUND', `The ${kind === 'SA' ? 'dial plan' : 'auto attendant'} was not found in the connected forests: ${dn}.`, {
    field: 'targetDn',
  });
}

/**
 * Where an SA/AA contact may be homed: OcsUmUtil offers a "Standard Edition server or Front End
 * pool" [S1] — not a branch appliance or a Director (which hosts no users, S29) — and Exchange UM
 * contacts cannot live on OCS 2007 or 2007 R2 pools [S25].
 */
export function isContactHome(pool: LyncPool): boolean {
  return pool.kind !== 'branch' && pool.kind !== 'director' && (pool.versionMajor === undefined || pool.versionMajor >= 5);
}

/**
 * What creating a contact writes: over LDAP its DN and the recipe's attributes, else
 * New-CsExUmContact's parameters. The one source for create() and for a change plan's script.
 */
export function contactCreateWrite(
  topology: Topology,
  input: Omit<ContactCreate, 'route' | 'likeDn'> & { route: ContactRoute; likeDn?: string },
): { route: 'ldap'; dn: string; attributes: Record<string, string | string[]> } | { route: 'powershell'; parameters: Record<string, string | boolean> } {
  const target = findTarget(topology, input.kind, input.targetDn);
  const pool = findPool(topology, input.profile, input.poolFqdn);
  if (input.route === 'ldap') {
    // Named by its name, or CN={GUID} like a template named so (nameDn says which).
    const dn = nameDn(topology, input) ?? childDn('CN', `{${randomUUID()}}`, input.ouDn);
    return { route: 'ldap', dn, attributes: contactAttributes(recipeFor(input, target, pool)) };
  }
  return {
    route: 'powershell',
    parameters: {
      SipAddress: input.sipAddress,
      RegistrarPool: pool.fqdn,
      OU: input.ouDn,
      DisplayNumber: input.phoneNumber,
      AutoAttendant: input.kind === 'AA',
      Description: input.name,
    },
  };
}

/** The contact a request asks for, in the recipe's terms: the one input of the recipe and of learning a template's shape. */
function recipeFor(
  input: Pick<ContactRecipeInput, 'kind' | 'name' | 'sipAddress' | 'phoneNumber'>,
  target: Target,
  pool: { serviceDn: string },
): ContactRecipeInput & { targetName: string } {
  return {
    kind: input.kind,
    name: input.name,
    sipAddress: input.sipAddress,
    phoneNumber: input.phoneNumber,
    targetDn: target.dn,
    phoneContext: target.phoneContext ?? '',
    poolServiceDn: pool.serviceDn,
    targetName: target.name,
  };
}

export function findPool(topology: Topology, profile: string, fqdn: string): { fqdn: string; serviceDn: string } {
  const forest = topology.forests.find((f) => f.profile === profile) ?? topology.forests.find((f) => f.lync);
  const pool = forest?.lync?.pools.find((p) => p.fqdn.toLowerCase() === fqdn.toLowerCase());
  if (!pool) throw new ApiError('NOT_FOUND', `There is no Lync pool ${fqdn} in ${forest?.forest ?? 'the connected forests'}.`, { field: 'poolFqdn' });
  const refusal = poolRefusal(pool);
  if (refusal) throw refusalError(refusal);
  return { fqdn: pool.fqdn, serviceDn: `CN=Lc Services,CN=Microsoft,${pool.dn}` };
}

function poolsOf(topology: Topology): LyncPool[] {
  return topology.forests.flatMap((f) => f.lync?.pools ?? []);
}

/** Why a pool may not home an SA/AA contact (isContactHome), as a refusal; undefined when it may. */
function poolRefusal(pool: LyncPool): ContactRefusal | undefined {
  if (isContactHome(pool)) return undefined;
  const reason = pool.kind === 'branch' ? 'branch' : pool.kind === 'director' ? 'director' : 'legacy';
  const why = {
    branch: 'a Survivable Branch Appliance',
    director: 'a Director pool, which hosts no users',
    legacy: `${pool.product}, where Exchange UM contacts cannot live`,
  }[reason];
  return {
    code: 'pool-not-allowed',
    field: 'poolFqdn',
    message: `${pool.fqdn} is ${why}. Home the contact on a Standard Edition server or Front End pool, preferably where the Enterprise Voice users live.`,
    params: { pool: pool.fqdn, product: pool.product, reason },
  };
}

/** A refusal as the error a write throws: ALREADY_EXISTS for a value in use, INVALID_INPUT for a pool; the refusal itself in details. */
function refusalError(refusal: ContactRefusal): ApiError {
  const code = refusal.code === 'pool-not-allowed' ? 'INVALID_INPUT' : 'ALREADY_EXISTS';
  return new ApiError(code, refusal.message, { field: refusal.field, ...(refusal.params.holderDn ? { holder: refusal.params.holderDn } : {}), refusal });
}

/** The values of a contact about to be written, as assess() judges them. */
interface ContactState {
  kind: 'SA' | 'AA' | 'Unknown';
  target?: Target;
  name: string;
  sipAddress?: string;
  phoneNumber?: string;
  poolFqdn?: string;
  /** The contact being edited: its own values never count against it. */
  dn?: string;
  /** The DN a new contact named by its name gets (its CN is the name), to refuse a name taken there. */
  newDn?: string;
}

/** An edited contact's values after the changes. */
function editedState(topology: Topology, contact: ContactItem, changes: ContactUpdate['changes']): ContactState {
  let target: Target | undefined;
  if (contact.target && contact.kind !== 'Unknown') {
    try {
      target = findTarget(topology, contact.kind, contact.target.dn);
    } catch {
      target = undefined;
    }
  }
  return {
    kind: contact.kind,
    target,
    name: changes.name ?? contact.displayName ?? '',
    sipAddress: changes.sipAddress ?? contact.sipAddress,
    phoneNumber: changes.phoneNumber ?? contact.phoneNumber,
    poolFqdn: changes.poolFqdn ?? contact.pool?.name,
    dn: contact.dn,
  };
}

/** The values an edit sets to something new: only those can be refused. */
function changedFields(contact: ContactItem, changes: ContactUpdate['changes']): Array<'sipAddress' | 'phoneNumber' | 'poolFqdn'> {
  const differs = (a: string | undefined, b: string | undefined) => a !== undefined && a.toLowerCase() !== (b ?? '').toLowerCase();
  return [
    ...(differs(changes.sipAddress, contact.sipAddress) ? (['sipAddress'] as const) : []),
    ...(differs(changes.phoneNumber, contact.phoneNumber) ? (['phoneNumber'] as const) : []),
    ...(differs(changes.poolFqdn, contact.pool?.name) ? (['poolFqdn'] as const) : []),
  ];
}

/**
 * The DN a new contact gets when its CN is its name: over LDAP, unless it is modelled on a
 * contact named CN={GUID}, which gets a new GUID as New-CsExUmContact's contacts do [S3].
 * Undefined when the CN will be a GUID.
 */
function nameDn(topology: Topology, input: { name: string; ouDn: string; route?: ContactRoute; likeDn?: string }): string | undefined {
  if (input.route === 'powershell') return undefined;
  const template = input.likeDn ? listContacts(topology).find((c) => dnEquals(c.dn, input.likeDn!)) : undefined;
  if (template?.cnForm === 'guid') return undefined;
  return childDn('CN', input.name, input.ouDn);
}

async function findBySip(session: DirectorySession, sip: string) {
  const [entry] = await session.search(session.rootDse.defaultNamingContext, {
    filter: filter`(&(objectClass=contact)(msRTCSIP-PrimaryUserAddress=${sip}))`,
    attributes: ['1.1'],
  });
  return entry;
}

function snapshot(c: UmContact) {
  return {
    dn: c.dn,
    kind: c.kind,
    name: c.displayName,
    sipAddress: c.sipAddress,
    phoneNumber: c.phoneNumber,
    pool: c.pool?.name,
    ou: c.ou,
    target: c.targetDn,
  };
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v.toLowerCase(), (counts.get(v.toLowerCase()) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}
