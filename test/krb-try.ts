import { DirectorySession } from '../electron/services/directory/directory-session';
import { whoAmI } from '../electron/services/directory/account-rights';
const s = await DirectorySession.open(
  {
    host: process.argv[2] ?? '127.0.0.1',
    port: 636,
    security: 'ldaps',
    caFile: '/var/lib/umc-lab/ca/lab-ca.pem',
    authentication: 'kerberos',
    timeoutMs: 15000,
  },
  '',
);
console.log('identity', s.identity, s.rootDse.dnsHostName);
const me = await whoAmI(s);
console.log(me.dn, me.groups.map((g) => g.name).slice(0, 8));
const r = await s.searchForest({ filter: '(sAMAccountName=u00001)', attributes: ['cn'] });
console.log(
  r.forestWide,
  r.entries.map((e) => e.dn),
);
await s.close();
