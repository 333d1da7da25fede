import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Attribute, type BerWriter, Change, Client, Control, type Entry } from 'ldapts';
import { caCertFile } from './certificates';
import { LAB_PASSWORD, type ForestSpec } from './lab-config';

/**
 * The lab's own small LDAP helper (deliberately not the console's directory service, so a bug
 * there cannot hide in the lab). Binds as Administrator over LDAPS, verifying the lab CA.
 */
export class LabDirectory {
  private constructor(
    readonly forest: ForestSpec,
    private readonly client: Client,
  ) {}

  static async open(forest: ForestSpec, account = 'Administrator', password = LAB_PASSWORD): Promise<LabDirectory> {
    const client = new Client({
      url: `ldaps://${forest.address}:636`,
      timeout: 120_000,
      connectTimeout: 10_000,
      tlsOptions: { ca: [readFileSync(caCertFile)], servername: undefined },
    });
    await client.bind(`${account}@${forest.dnsName}`, password);
    return new LabDirectory(forest, client);
  }

  async exists(dn: string): Promise<boolean> {
    try {
      await this.client.search(dn, { scope: 'base', attributes: ['1.1'] });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 32) return false;
      throw error;
    }
  }

  /** Adds an object unless it already exists (seeding is idempotent). */
  async ensure(dn: string, attributes: Record<string, string | string[] | Buffer | Buffer[]>): Promise<boolean> {
    if (await this.exists(dn)) return false;
    await this.add(dn, attributes);
    return true;
  }

  async add(dn: string, attributes: Record<string, string | string[] | Buffer | Buffer[]>): Promise<void> {
    const list = Object.entries(attributes).map(([type, v]) => new Attribute({ type, values: (Array.isArray(v) ? v : [v]) as string[] | Buffer[] }));
    try {
      await this.client.add(dn, list);
    } catch (error) {
      throw new Error(`lab: adding ${dn} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async modify(dn: string, operation: 'add' | 'replace' | 'delete', attribute: string, values: string[] | Buffer[], controls?: Control[]): Promise<void> {
    try {
      await this.client.modify(dn, new Change({ operation, modification: new Attribute({ type: attribute, values }) }), controls);
    } catch (error) {
      throw new Error(`lab: changing ${attribute} on ${dn} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async search(base: string, filter: string, attributes: string[], scope: 'base' | 'one' | 'sub' = 'sub'): Promise<Entry[]> {
    const result = await this.client.search(base, {
      scope,
      filter,
      attributes,
      paged: scope === 'base' ? false : { pageSize: 1000 },
      explicitBufferAttributes: ['objectSid', 'objectGUID', 'schemaIDGUID', 'nTSecurityDescriptor'],
    });
    return result.searchEntries;
  }

  /**
   * Replaces an object's DACL, given as SDDL ("D:…"). Samba's own parser turns the SDDL into the
   * binary form (sddl-to-binary.py), so the lab does not rely on the console's codec; the
   * SD-flags control (DACL only) leaves owner, group and SACL alone.
   */
  async setDacl(dn: string, daclSddl: string): Promise<void> {
    const [binary] = sddlToBinary(await this.domainSid(), [daclSddl]);
    await this.modify(dn, 'replace', 'nTSecurityDescriptor', [binary!], [new SdFlagsControl(0x4)]);
  }

  private domainSidValue: string | undefined;

  async domainSid(): Promise<string> {
    if (!this.domainSidValue) {
      const [domain] = await this.search(
        this.forest.dnsName
          .split('.')
          .map((p) => `DC=${p}`)
          .join(','),
        '(objectClass=*)',
        ['objectSid'],
        'base',
      );
      this.domainSidValue = sidText(domain!.objectSid as Buffer);
    }
    return this.domainSidValue;
  }

  async close(): Promise<void> {
    await this.client.unbind().catch(() => undefined);
  }
}

/** LDAP_SERVER_SD_FLAGS_OID: which parts of a security descriptor a read returns or a write sets. */
class SdFlagsControl extends Control {
  constructor(private readonly flags: number) {
    super('1.2.840.113556.1.4.801', { critical: true });
  }

  protected override writeControl(writer: BerWriter): void {
    // The value is an OCTET STRING holding SEQUENCE { INTEGER flags }.
    writer.writeBuffer(Buffer.from([0x30, 0x03, 0x02, 0x01, this.flags]), 0x04);
  }
}

function sddlToBinary(domainSid: string, sddl: string[]): Buffer[] {
  const script = fileURLToPath(new URL('./sddl-to-binary.py', import.meta.url));
  const result = spawnSync('/usr/bin/python3', [script], { input: JSON.stringify({ domainSid, sddl }), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`lab: converting SDDL failed: ${result.stderr}`);
  return (JSON.parse(result.stdout) as string[]).map((b) => Buffer.from(b, 'base64'));
}

/** Formats a binary SID as S-1-5-21-…. */
export function sidText(bytes: Buffer): string {
  const count = bytes[1]!;
  const authority = bytes.readUIntBE(2, 6);
  const subs: number[] = [];
  for (let i = 0; i < count; i++) subs.push(bytes.readUInt32LE(8 + i * 4));
  return `S-${bytes[0]}-${authority}${subs.map((s) => `-${s}`).join('')}`;
}
