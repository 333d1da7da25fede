import type { RowMessage } from '@shared/models/enablement';
import { ApiError } from '@shared/errors';
import { whoAmI } from '../../directory/account-rights';
import type { DirectorySession } from '../../directory/directory-session';
import { escapeFilterValue } from '../../directory/ldap-escape';
import { isDnWithin, normalizeDn } from '@shared/dn';
import type { PowerShellService } from '../../powershell/powershell-service';

/**
 * The attributes Enable-UMMailbox writes on the user [S11]; Exchange 2007 asked a UM administrator
 * for write access to the same ones [S40]. Where the shell writes as the admin's own account (the
 * lab's stand-in), the account needs them on every user it enables.
 */
export const attributesEnableWrites = [
  'proxyAddresses',
  'msExchUMEnabledFlags',
  'msExchUMTemplateLink',
  'msExchUMRecipientDialPlanLink',
  'msExchUMDtmfMap',
  'msExchUMPinChecksum',
];

const enableWriteLengths = new Set(attributesEnableWrites.map((a) => a.length));

/** What is known about the acting account before anything runs. */
export interface EnableRightsVerdict {
  /** The account's name, as the messages give it. */
  account: string;
  /** Per user DN (normalizeDn): why the account may not enable UM for that user; absent when it may. */
  refusals: Map<string, RowMessage[]>;
  /** Said once for the file: a check that could not be made, or one still being made. */
  notices: RowMessage[];
  /** Asked not to wait, and the rights were not known yet: no row was refused, for now. */
  pending: boolean;
}

/**
 * Whether the acting account may run the operation for each user — asked before any run, dry
 * runs included, so that a dry run never reports "would succeed" for rows the real run would fail
 * on rights. Two questions, each where it decides:
 * - Exchange: is each of the operation's cmdlets (Enable-UMMailbox for an enable) in the account's
 *   Exchange session? An Exchange 2010/2013 session
 *   holds only the cmdlets its RBAC roles grant ("UM mailboxes": Organization Management or UM
 *   Management [S38]), so the session's own list answers it, with no extra cmdlet (reading role
 *   assignments needs the Role Management role [S38], which a UM admin rarely has).
 * - The directory: where the shell writes as the account itself (PowerShellService.writesAsAccount),
 *   may it write what Enable-UMMailbox writes on each user (allowedAttributesEffective)? Exchange
 *   2010 and 2013 write with the server's own account once RBAC allows the cmdlet, so there the
 *   admin's AD rights are not asked.
 * Users are read in batches, once each, and remembered, so an edit re-checks only a new user.
 */
/** The Exchange session's answer: every cmdlet held, the first one missing, or why it could not be asked. */
type CmdletAnswer = { missing?: string } | { unknown: string; cmdlet: string };

/**
 * The role groups that hold a cmdlet, as the refusal names them: the UM cmdlets are the UM
 * Mailboxes role's (Organization Management, UM Management) [S38][S42]; Set-Mailbox is the Mail
 * Recipients role's (Organization Management, Recipient Management) [S69].
 */
const roleGroupsOf = (cmdlet: string) =>
  cmdlet === 'Set-Mailbox' ? 'Organization Management, Recipient Management' : 'Organization Management, UM Management';

export class EnableRights {
  private cmdlet: Promise<CmdletAnswer> | undefined;
  /** The session's answer once it came. */
  private answered: CmdletAnswer | undefined;
  private readonly unwritable = new Map<string, string[]>();

  constructor(
    private readonly session: DirectorySession,
    private readonly powershell: PowerShellService,
    private readonly profile: string,
    /** The operation's Exchange cmdlets (Operation.exchangeCmdlets): none for Lync's voice operation. */
    private readonly cmdlets: string[] = ['Enable-UMMailbox'],
  ) {}

  /**
   * Starts asking the Exchange session now: opening one takes seconds, so it runs while the rows
   * are validated against the directory. The run reuses the session.
   */
  start(): this {
    this.cmdlet ??= this.askExchange().then((answer) => (this.answered = answer));
    return this;
  }

  /**
   * The verdict for these users. With `wait: false` it waits neither for the Exchange session to
   * open (seconds) nor for the directory's write rights on users not read yet: the verdict is then
   * `pending`, and the rows are judged again with `wait: true` (FileValidation.settleRights).
   * Nothing runs before that.
   */
  async check(userDns: string[], options: { wait: boolean } = { wait: true }): Promise<EnableRightsVerdict> {
    const account = (await whoAmI(this.session).catch(() => undefined))?.name ?? this.session.identity;
    const refusals = new Map<string, RowMessage[]>();
    const notices: RowMessage[] = [];
    const refuse = (dn: string, message: RowMessage) => refusals.set(normalizeDn(dn), [...(refusals.get(normalizeDn(dn)) ?? []), message]);

    this.start();
    // What the account writes itself is asked of the directory only for Enable-UMMailbox's attributes.
    const asksDirectory = this.cmdlets.includes('Enable-UMMailbox') && this.powershell.writesAsAccount(this.profile, 'exchange');
    const known = !!this.answered && (!asksDirectory || userDns.every((dn) => this.unwritable.has(normalizeDn(dn))));
    if (!known && !options.wait) {
      notices.push({ code: 'rights-pending', severity: 'info', params: { account } });
      return { account, refusals, notices, pending: true };
    }
    const cmdlet = await this.cmdlet!;
    if ('unknown' in cmdlet) notices.push({ code: 'rights-unknown', severity: 'warning', params: { account, reason: cmdlet.unknown, cmdlet: cmdlet.cmdlet } });
    else if (cmdlet.missing) {
      const missing = cmdlet.missing;
      const message: RowMessage =
        missing === 'Enable-UMMailbox'
          ? { code: 'rights-no-cmdlet', severity: 'error', params: { account } }
          : { code: 'rights-no-operation-cmdlet', severity: 'error', params: { account, cmdlet: missing, groups: roleGroupsOf(missing) } };
      for (const dn of userDns) refuse(dn, message);
    }

    if (asksDirectory) {
      await this.readWritable(userDns);
      for (const dn of new Set(userDns)) {
        const missing = this.unwritable.get(normalizeDn(dn));
        if (missing?.length) refuse(dn, { code: 'rights-no-write', severity: 'error', params: { account, attributes: missing.join(', '), user: dn } });
      }
    }
    return { account, refusals, notices, pending: false };
  }

  private async askExchange(): Promise<CmdletAnswer> {
    if (this.cmdlets.length === 0) return {};
    if (!this.powershell.has(this.profile, 'exchange'))
      return { unknown: `profile ${this.profile} has no Exchange PowerShell endpoint`, cmdlet: this.cmdlets.join(', ') };
    for (const cmdlet of this.cmdlets) {
      try {
        if (!(await this.powershell.hasCommand(this.profile, 'exchange', cmdlet))) return { missing: cmdlet };
      } catch (error) {
        return { unknown: error instanceof ApiError || error instanceof Error ? error.message : String(error), cmdlet };
      }
    }
    return {};
  }

  /**
   * What the account may not write on each user not yet read: allowedAttributesEffective, which the
   * DC computes from the object's DACL for the bound account, for up to 100 users per search.
   */
  private async readWritable(userDns: string[], chunk = 100): Promise<void> {
    const domain = this.session.rootDse.defaultNamingContext;
    // A user of another domain is read from its own DC, which this session is not bound to.
    const unread = [...new Set(userDns.map(normalizeDn))].filter((dn) => !this.unwritable.has(dn) && isDnWithin(dn, domain));
    for (let i = 0; i < unread.length; i += chunk) {
      const dns = unread.slice(i, i + chunk);
      const entries = await this.session.search(domain, {
        filter: `(|${dns.map((dn) => `(distinguishedName=${escapeFilterValue(dn)})`).join('')})`,
        attributes: ['allowedAttributesEffective'],
      });
      for (const entry of entries) {
        // Over a thousand names per user where the account may write most: only the few Enable-UMMailbox writes are looked at.
        const writable = new Set<string>();
        for (const name of entry.getAll('allowedAttributesEffective')) if (enableWriteLengths.has(name.length)) writable.add(name.toLowerCase());
        this.unwritable.set(
          normalizeDn(entry.dn),
          attributesEnableWrites.filter((a) => !writable.has(a.toLowerCase())),
        );
      }
    }
  }
}
