import { labPools } from './seed-topology';

/**
 * What the products keep outside Active Directory, which the lab's cmdlets serve from files
 * written at every `up` and `reset`:
 * - Lync's Central Management Store: the topology's pools with their sites and services
 *   (Get-CsPool; a Director is a pool whose services include Director, S29), the Lync dial plans
 *   (Get-CsDialPlan) and the media configuration (Get-CsMediaConfiguration, EncryptionLevel
 *   default RequireEncryption, S4);
 * - each Exchange server's certificate store (Get-ExchangeCertificate, S19).
 */

export function lyncCms(): unknown {
  return {
    comment: "The lab's stand-in for Lync's Central Management Store.",
    pools: labPools.map((p) => ({
      Identity: p.fqdn,
      Fqdn: p.fqdn,
      Site: `Site:${p.site}`,
      Computers: [p.fqdn],
      Services: p.services.map((s) => `${s}:${p.fqdn}`),
    })),
    dialPlans: [
      { Identity: 'Global', SimpleName: 'Global', Description: 'Global dial plan' },
      { Identity: 'Redmond.contoso.test', SimpleName: 'Redmond.contoso.test', Description: "Named as the Redmond UM dial plan's phone context" },
      { Identity: 'Tokyo', SimpleName: 'Tokyo', Description: 'Does not match Tokyo.contoso.test (EXUM01 is Exchange 2010 RTM, S1)' },
    ],
    // The default: SRTP required, so SIP dial plans must be Secured (Tokyo is SIPSecured: a gap, S9).
    mediaConfigurations: [{ Identity: 'Global', EncryptionLevel: 'RequireEncryption' }],
  };
}

const thumbprint = (seed: string) => Buffer.from(seed.padEnd(20, '0').slice(0, 20)).toString('hex').toUpperCase();

/** Per server: what Get-ExchangeCertificate -Server shows. Exchange 2007 cannot be read from a 2013 shell. */
export function exchangeCertificates(): unknown {
  const issuer = 'CN=Contoso Issuing CA, DC=contoso, DC=test';
  const selfSigned = (server: string) => ({
    Thumbprint: thumbprint(`selfsigned-${server}`),
    Subject: `CN=Microsoft Exchange Server Auth Certificate`,
    Issuer: `CN=Microsoft Exchange Server Auth Certificate`,
    CertificateDomains: [],
    Services: 'SMTP',
    IsSelfSigned: true,
    Status: 'Valid',
    NotAfter: '2030-01-01T00:00:00Z',
  });
  const issued = (server: string, subject: string, domains: string[], services: string) => ({
    Thumbprint: thumbprint(`${server}-${subject}`),
    Subject: `CN=${subject}`,
    Issuer: issuer,
    CertificateDomains: domains,
    Services: services,
    IsSelfSigned: false,
    Status: 'Valid',
    NotAfter: '2030-01-01T00:00:00Z',
  });
  return {
    comment: "Each Exchange server's certificate store, as Get-ExchangeCertificate -Server shows it.",
    servers: {
      EX15: [
        selfSigned('EX15'),
        issued('EX15', 'ex15.contoso.test', ['ex15.contoso.test', 'autodiscover.contoso.test'], 'IMAP, POP, IIS, SMTP, UM, UMCallRouter'),
      ],
      // A wildcard subject: "Exchange UM doesn't support wildcard certificates with Microsoft Lync Server" [S9] — a gap.
      EXUM01: [issued('EXUM01', '*.contoso.test', ['*.contoso.test'], 'IIS, UM')],
      EXUM02: [issued('EXUM02', 'exum02.contoso.test', ['exum02.contoso.test'], 'UM')],
      EX15FAB: [issued('EX15FAB', 'ex15fab.fabrikam.test', ['ex15fab.fabrikam.test'], 'IIS, SMTP, UM, UMCallRouter')],
    },
    /** Servers whose certificates a 2013 shell cannot read (Exchange 2007 has no remote management). */
    unreadable: ['EXUM07'],
  };
}
