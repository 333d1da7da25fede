import { guidToString } from '../directory/dir-entry';
import { resolveGroupSid } from '../directory/account-rights';
import { lookupOnce, notPreparedForLync } from '../directory/session-lookups';
import type { DirectorySession } from '../directory/directory-session';
import { escapeFilterValue } from '../directory/ldap-escape';
import { propertySetsFrom, type CoverageSchema } from './ace-coverage';
import { AceFlag, AceType, type Ace } from '../directory/security-descriptor/model';
import { recipeFor, rightsMask, type OuObjectType, type RecipeEntry } from './ou-permission-recipes';

/** A recipe entry with the access entry it becomes in this forest, and words for the preview. */
export interface ResolvedEntry {
  entry: RecipeEntry;
  ace: Ace;
  trusteeName: string;
  targetName?: string;
  appliesToClass?: string;
}

const schemas = new WeakMap<DirectorySession, Promise<CoverageSchema>>();

/**
 * Which property set each attribute belongs to (its attributeSecurityGUID), read from the schema
 * once per session: an entry on a property set allows the attributes in it [S31], so a grant
 * written on a set covers a recipe entry on one of its attributes.
 */
export function coverageSchema(session: DirectorySession): Promise<CoverageSchema> {
  let found = schemas.get(session);
  if (!found) {
    found = (async () => {
      const entries = await session.search(session.rootDse.schemaNamingContext, {
        scope: 'one',
        filter: '(&(objectClass=attributeSchema)(attributeSecurityGUID=*))',
        attributes: ['schemaIDGUID', 'attributeSecurityGUID'],
      });
      const pairs: Array<[string, string]> = [];
      for (const e of entries) {
        const id = e.getBuffer('schemaIDGUID');
        const set = e.getBuffer('attributeSecurityGUID');
        if (id && set && set.length === 16) pairs.push([guidToString(id), guidToString(set)]);
      }
      return propertySetsFrom(pairs);
    })();
    schemas.set(session, found);
    found.catch(() => schemas.delete(session));
  }
  return found;
}

/**
 * Turns Grant-CsOUPermission's recipes into access entries for one forest: group SIDs by
 * sAMAccountName, property sets and extended rights by their rightsGuid, attributes and classes
 * by schemaIDGUID — all read from the directory, nothing assumed.
 */
export async function resolveRecipe(session: DirectorySession, types: readonly OuObjectType[]): Promise<ResolvedEntry[]> {
  const once = (key: string, fn: () => Promise<string>) => lookupOnce(session, key, fn);
  const dse = session.rootDse;
  const groupSid = (name: string) => resolveGroupSid(session, name);
  const rightsGuid = (name: string) =>
    once(`right:${name}`, async () => {
      const [entry] = await session.search(`CN=Extended-Rights,${dse.configurationNamingContext}`, {
        scope: 'one',
        filter: `(|(cn=${escapeFilterValue(name)})(displayName=${escapeFilterValue(name)}))`,
        attributes: ['rightsGuid'],
      });
      const guid = entry?.get('rightsGuid');
      if (!guid) throw notPreparedForLync(`the ${name} right`);
      return guid.toLowerCase();
    });
  const schemaGuid = (name: string) =>
    once(`schema:${name}`, async () => {
      const [entry] = await session.search(dse.schemaNamingContext, {
        scope: 'one',
        filter: `(lDAPDisplayName=${escapeFilterValue(name)})`,
        attributes: ['schemaIDGUID'],
      });
      const guid = entry?.getBuffer('schemaIDGUID');
      if (!guid) throw notPreparedForLync(`${name} in the schema`);
      return guidToString(guid);
    });

  return Promise.all(
    recipeFor(types).map(async (entry) => {
      const sid = await groupSid(entry.trustee);
      const objectType = entry.target
        ? await (entry.target.kind === 'attribute' || entry.target.kind === 'class' ? schemaGuid(entry.target.name) : rightsGuid(entry.target.name))
        : undefined;
      const inheritedObjectType = typeof entry.appliesTo === 'object' ? await schemaGuid(entry.appliesTo.descendantsOfClass) : undefined;
      const flags =
        entry.appliesTo === 'ou' ? 0 : entry.appliesTo === 'ou-and-sub-ous' ? AceFlag.CONTAINER_INHERIT : AceFlag.CONTAINER_INHERIT | AceFlag.INHERIT_ONLY;
      const ace: Ace = {
        type: objectType || inheritedObjectType ? AceType.ACCESS_ALLOWED_OBJECT : AceType.ACCESS_ALLOWED,
        flags,
        mask: rightsMask(entry.rights),
        sid,
        ...(objectType ? { objectType } : {}),
        ...(inheritedObjectType ? { inheritedObjectType } : {}),
      };
      return {
        entry,
        ace,
        trusteeName: entry.trustee,
        targetName: entry.target?.name,
        appliesToClass: typeof entry.appliesTo === 'object' ? entry.appliesTo.descendantsOfClass : undefined,
      };
    }),
  );
}
