import { describe, expect, it } from 'vitest';
import { ApiError } from '@shared/errors';
import { DirEntry } from '../../electron/services/directory/dir-entry';
import { DirectorySession } from '../../electron/services/directory/directory-session';

/**
 * The ranged reader against a stand-in for an AD domain controller. The lab's Samba cannot play
 * this part: its ranged_results module returns every remaining value for `attr;range=low-*` and
 * has no MaxValRange setting [S63], so a back-link never comes back cut short there.
 */
const MAX_VAL_RANGE = 1500; // AD's default MaxValRange [S62]

/**
 * Answers `attr;range=low-*` as AD does [S61]: at most MAX_VAL_RANGE values, named
 * `attr;range=low-high`, and `attr;range=low-*` on the part that holds the last value.
 */
function adLikeSession(dn: string, attribute: string, values: string[]) {
  const requested: string[] = [];
  const session = Object.create(DirectorySession.prototype) as DirectorySession;
  Object.assign(session, {
    read: async (at: string, attributes: string[]) => {
      requested.push(...attributes);
      if (at !== dn) return undefined;
      const low = Number(/;range=(\d+)-\*$/.exec(attributes[0]!)![1]);
      const high = Math.min(low + MAX_VAL_RANGE, values.length) - 1;
      const last = high === values.length - 1;
      return new DirEntry(dn, { [`${attribute};range=${low}-${last ? '*' : high}`]: values.slice(low, high + 1) });
    },
  });
  return { session, requested };
}

const dialPlan = 'CN=Big,CN=UM DialPlan Container,CN=Org,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=x,DC=test';
const users = (n: number) => Array.from({ length: n }, (_, i) => `CN=User ${i},OU=Users,DC=x,DC=test`);

describe('ranged retrieval of a large back-link', () => {
  it('reads 4,000 values in three parts, each starting after the last value it got', async () => {
    const { session, requested } = adLikeSession(dialPlan, 'msExchUMRecipientDialPlanBL', users(4000));
    const values = await session.readRanged(dialPlan, 'msExchUMRecipientDialPlanBL');
    expect(values).toEqual(users(4000));
    expect(requested).toEqual([
      'msExchUMRecipientDialPlanBL;range=0-*',
      'msExchUMRecipientDialPlanBL;range=1500-*',
      'msExchUMRecipientDialPlanBL;range=3000-*',
    ]);
  });

  it('needs one read when the values fit in one part (exactly MaxValRange)', async () => {
    const { session, requested } = adLikeSession(dialPlan, 'msExchUMRecipientDialPlanBL', users(1500));
    expect(await session.readRanged(dialPlan, 'msExchUMRecipientDialPlanBL')).toHaveLength(1500);
    expect(requested).toHaveLength(1);
  });

  it('takes the plain attribute from a server that does not page values', async () => {
    const session = Object.create(DirectorySession.prototype) as DirectorySession;
    Object.assign(session, { read: async () => new DirEntry(dialPlan, { msExchUMRecipientDialPlanBL: users(3) }) });
    expect(await session.readRanged(dialPlan, 'msExchUMRecipientDialPlanBL')).toEqual(users(3));
  });

  it('says which object is missing instead of returning nothing', async () => {
    const { session } = adLikeSession(dialPlan, 'msExchUMRecipientDialPlanBL', users(10));
    const gone = dialPlan.replace('CN=Big', 'CN=Gone');
    await expect(session.readRanged(gone, 'msExchUMRecipientDialPlanBL')).rejects.toThrow(new ApiError('NOT_FOUND', `The object does not exist: ${gone}.`));
  });
});
