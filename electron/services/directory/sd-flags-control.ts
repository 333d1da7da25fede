import { type BerWriter, Control } from 'ldapts';

/** Which parts of nTSecurityDescriptor a read returns or a write replaces (LDAP_SERVER_SD_FLAGS_OID). */
export const SdFlags = { OWNER: 0x1, GROUP: 0x2, DACL: 0x4, SACL: 0x8 } as const;

/**
 * The SD-flags control. Reading with DACL only needs no SACL privilege; writing with DACL only
 * leaves owner, group and SACL exactly as they are.
 */
export class SdFlagsControl extends Control {
  constructor(private readonly flags: number) {
    super('1.2.840.113556.1.4.801', { critical: true });
  }

  protected override writeControl(writer: BerWriter): void {
    // The value is an OCTET STRING holding SEQUENCE { INTEGER flags }.
    writer.writeBuffer(Buffer.from([0x30, 0x03, 0x02, 0x01, this.flags]), 0x04);
  }
}
