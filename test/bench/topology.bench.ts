import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { LabDirectory } from '../lab/lab-directory';
import { forests, labOuDn, labRoot, orgDn, repoRoot } from '../lab/lab-config';
import { contactAttributes } from '../../electron/services/contacts/contact-recipe';
import { dialPlanDn, poolServiceDn } from '../lab/seed-topology';
import { filter } from '../../electron/services/directory/ldap-escape';
import { benchServices, printResult, round } from './bench-support';

/**
 * Building the topology model on a big directory: 20,000 users, 50 dial plans, 20 pools and 2,000
 * contacts. Reports LDAP round trips and time before and after the directory grows, and the same
 * figures for a naive reader (counting users by searching them, scanning every contact) in the
 * same run. The console's round trips must not grow with users or contacts.
 */
const parameters = JSON.parse(readFileSync(join(labRoot, 'parameters.json'), 'utf8')) as { users: number };
if (parameters.users < 20_000) {
  process.stderr.write('This benchmark needs the big lab: npm run lab -- up --users 20000\n');
  process.exit(2);
}
const services = benchServices();
await services.connections.connect('lab');
const session = await services.connections.ensure('lab');

async function measureConsole() {
  const times: number[] = [];
  let roundTrips = 0;
  for (let i = 0; i < 3; i++) {
    const started = process.hrtime.bigint();
    const topology = await services.topology.get({ profiles: ['lab'], refresh: true });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    roundTrips = topology.stats.ldapRoundTrips;
  }
  const topology = await services.topology.get({ profiles: ['lab'] });
  const org = topology.forests[0]!.exchange!;
  return {
    roundTrips,
    milliseconds: round(times.sort((a, b) => a - b)[1]!),
    dialPlans: org.dialPlans.length,
    pools: topology.forests[0]!.lync!.pools.length,
    umContacts: topology.forests[0]!.contacts.length,
  };
}

/** The obvious way: one paged search of users per dial plan, and every contact read to find the UM ones. */
async function measureNaive() {
  const before = session.stats.roundTrips;
  const started = process.hrtime.bigint();
  const dialPlans = await session.search(`CN=UM DialPlan Container,${orgDn(forests.contoso)}`, {
    scope: 'one',
    filter: '(objectClass=msExchUMDialPlan)',
    attributes: ['cn'],
  });
  for (const dp of dialPlans) await session.search('DC=contoso,DC=test', { filter: filter`(msExchUMRecipientDialPlanLink=${dp.dn})`, attributes: ['1.1'] });
  await session.search('DC=contoso,DC=test', { filter: '(objectClass=contact)', attributes: ['msDS-SourceObjectDN', 'msRTCSIP-SourceObjectType'] });
  return { roundTrips: session.stats.roundTrips - before, milliseconds: round(Number(process.hrtime.bigint() - started) / 1e6) };
}

async function growDirectory(): Promise<void> {
  const dir = await LabDirectory.open(forests.contoso);
  const config = `CN=Configuration,DC=contoso,DC=test`;
  for (let i = 1; i <= 46; i++) {
    const name = `Bench${String(i).padStart(2, '0')}`;
    await dir.ensure(dialPlanDn(name, forests.contoso), {
      objectClass: 'msExchUMDialPlan',
      msExchUMDialPlanURIType: '3',
      msExchUMDialPlanVoipSecurity: '1',
      msExchUMNumberingPlanDigits: '5',
      msExchUMPhoneContext: `${name}.contoso.test`,
      msExchUMVoiceMailPilotNumbers: [`+1555${String(i).padStart(7, '0')}`],
    });
    await dir.ensure(`CN=${name} Default Policy,CN=UM Mailbox Policies,${orgDn(forests.contoso)}`, {
      objectClass: 'msExchUMRecipientTemplate',
      msExchUMMailboxPolicyDialPlanLink: dialPlanDn(name, forests.contoso),
    });
    await dir.ensure(
      `CN=${name} Subscriber Access,OU=UM Contacts,${labOuDn(forests.contoso)}`,
      contactAttributes({
        kind: 'SA',
        name: `${name} Subscriber Access`,
        sipAddress: `sip:${name}SA@contoso.test`,
        phoneNumber: `+1555${String(i).padStart(7, '0')}`,
        targetDn: dialPlanDn(name, forests.contoso),
        phoneContext: `${name}.contoso.test`,
        poolServiceDn: poolServiceDn('pool01.contoso.test'),
      }),
    );
  }
  for (let i = 4; i <= 20; i++) {
    const pool = `CN=1:${i},CN=Pools,CN=RTC Service,CN=Services,${config}`;
    await dir.ensure(pool, { objectClass: 'msRTCSIP-Pool', dNSHostName: `benchpool${i}.contoso.test`, 'msRTCSIP-PoolData': ['PoolType=Enterprise'] });
  }
  const ou = `OU=Bench Contacts,${labOuDn(forests.contoso)}`;
  await dir.ensure(ou, { objectClass: 'organizationalUnit' });
  for (let i = 1; i <= 2000; i++)
    await dir.ensure(`CN=Mail Contact ${i},${ou}`, { objectClass: 'contact', displayName: `Mail Contact ${i}`, mail: `contact${i}@partner.example` });
  await dir.close();
}

const seeded = { console: await measureConsole(), naive: await measureNaive() };
await growDirectory();
const grown = { console: await measureConsole(), naive: await measureNaive() };
await services.shutdown();
spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/lab/lab.ts'), 'reset'], { stdio: 'inherit' });

printResult({
  benchmark: 'topology: model build on a large directory, round trips vs a naive reader',
  users: parameters.users,
  seeded,
  grown,
  consoleRoundTripsGrew: grown.console.roundTrips - seeded.console.roundTrips,
  naiveRoundTripsGrew: grown.naive.roundTrips - seeded.naive.roundTrips,
  note: 'grown = +46 dial plans (with policies and SA contacts), +17 pools, +2,000 mail contacts. Samba returns a whole back-link in one range; AD caps ranges at 1,500 values, which adds one round trip per 1,500 UM users of a dial plan.',
});
