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
  // OU permissions (lab.md): grants as the lab's Grant-CsOUPermission writes them, from its own
  // reading of the published table [S6]; a broader hand delegation; inheritance blocked [S7].
  for (const ou of [`OU=Lync Granted,${lab}`, `OU=Hand Delegated,${lab}`, `OU=Sealed,OU=Delegated,${lab}`])
    await dir.ensure(ou, { objectClass: 'organizationalUnit' });
  for (const ou of ['Lync Granted', 'Hand Delegated', 'Sealed,OU=Delegated']) {
    const name = ou.split(',')[0]!;
    await dir.ensure(`CN=${name} Contact,OU=${ou},${lab}`, { objectClass: 'contact', displayName: `${name} Contact` });
    await dir.ensure(`CN=${name} User,OU=${ou},${lab}`, {
      objectClass: 'user',
      sAMAccountName: `${name.toLowerCase().replace(' ', '-')}-user`,
      userAccountControl: '514',
    });
  }
  await acl.grantOu(`OU=Delegated,${lab}`, ['User', 'Contact']);
  await acl.grantOu(`OU=UM Contacts,${lab}`, ['Contact', 'Device']);
  await acl.grantOu(`OU=Lync Granted,${lab}`, ['User', 'Contact']);
  await acl.handDelegateOu(`OU=Hand Delegated,${lab}`);
  await acl.protectOu(`OU=Blocked,${lab}`);
  // Under a granted OU, with inheritance blocked: the grant on Delegated does not reach it [S7].
  await acl.protectOu(`OU=Sealed,OU=Delegated,${lab}`);
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
