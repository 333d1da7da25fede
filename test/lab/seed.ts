import type { LabDirectory } from './lab-directory';
import { forests, labOuDn } from './lab-config';
import { LabAcl } from './seed-acl';
import { seedContosoUsers, seedFabrikamMailboxes, seedGroupsAndAccounts } from './seed-accounts';
import { labOus, seedContosoTopology, seedFabrikamTopology } from './seed-topology';

/** Seeds the Lync + Exchange forest: OUs, groups and accounts, topology, access control, users. */
export async function seedContoso(dir: LabDirectory, users: number, withFabrikam: boolean, log: (m: string) => void): Promise<void> {
  const forest = forests.contoso;
  for (const ou of labOus(forest)) await dir.ensure(ou, { objectClass: 'organizationalUnit' });
  await seedGroupsAndAccounts(dir, forest);
  await seedContosoTopology(dir, withFabrikam);

  const acl = new LabAcl(dir, forest);
  const lab = labOuDn(forest);
  await acl.grantOu(`OU=Delegated,${lab}`, ['User', 'Contact']);
  await acl.grantOu(`OU=UM Contacts,${lab}`, ['Contact', 'Device']);
  await acl.protectOu(`OU=Blocked,${lab}`);
  await acl.exchucutilReadGrants();
  // Organization Management may change recipients under OU=Lab (what Enable-UMMailbox needs).
  await acl.addAces(lab, 'organizationalUnit', [`(A;CIIO;RPWP;;;${await acl.sid('Organization Management')})`]);

  log(`seeding ${users} users`);
  await seedContosoUsers(dir, users, (done) => log(`  ${done} users`));
}

/** Seeds the Exchange resource forest; its linked mailboxes point at contoso users. */
export async function seedFabrikam(dir: LabDirectory, contoso: LabDirectory): Promise<void> {
  const forest = forests.fabrikam;
  for (const ou of labOus(forest)) await dir.ensure(ou, { objectClass: 'organizationalUnit' });
  await seedGroupsAndAccounts(dir, forest);
  await seedFabrikamTopology(dir);
  const acl = new LabAcl(dir, forest);
  await acl.addAces(labOuDn(forest), 'organizationalUnit', [`(A;CIIO;RPWP;;;${await acl.sid('Organization Management')})`]);
  await seedFabrikamMailboxes(dir, contoso);
}
