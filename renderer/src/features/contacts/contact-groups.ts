import type { ContactItem } from '@shared/models/contacts';
import { rdnValue } from '@shared/dn';

/** One card of the contacts screen: the dial plan or auto attendant its contacts serve. */
export interface ContactGroup {
  /** Stable and readable (it ends up in a test id): `dp-<name>`, `aa-<name>`, `other-<name>` or `unlinked`. */
  key: string;
  title: string;
  subtitle?: string;
  contacts: ContactItem[];
}

/** The translator the grouping needs (i18next's `t` bound to the contacts namespace). */
export type GroupText = (key: string, options?: Record<string, unknown>) => string;

/**
 * Groups SA/AA contacts by the dial plan (SA) or auto attendant (AA) each serves, so an admin
 * sees what a dial plan's subscriber access or an auto attendant is reached by. Contacts whose
 * target is in another forest come next, grouped by that target; contacts linked to nothing come
 * last. Groups keep the contacts' order; within a rank they sort by title.
 */
export function groupContacts(contacts: ContactItem[], t: GroupText): ContactGroup[] {
  const groups = new Map<string, ContactGroup>();
  for (const c of contacts) {
    const target = c.target;
    const elsewhere = !target && c.problems.find((p) => p.code === 'target-other-forest');
    const key = target ? `${c.kind}:${target.dn}` : elsewhere ? `other:${c.targetDn}` : 'unlinked';
    if (!groups.has(key)) {
      const otherName = c.targetDn ? rdnValue(c.targetDn) : '';
      groups.set(key, {
        key: target ? `${c.kind === 'AA' ? 'aa' : 'dp'}-${target.name}` : elsewhere ? `other-${otherName}` : 'unlinked',
        title: target
          ? t(c.kind === 'AA' ? 'groups.autoAttendant' : 'groups.dialPlan', { name: target.name })
          : elsewhere
            ? t('groups.otherForest', { name: otherName, forest: elsewhere.params.forest })
            : t('groups.unlinked'),
        subtitle: target ? `${target.forest}${c.kind === 'AA' && c.dialPlan ? ` · ${t('groups.dialPlanOf', { name: c.dialPlan.name })}` : ''}` : undefined,
        contacts: [],
      });
    }
    groups.get(key)!.contacts.push(c);
  }
  const rank = (g: ContactGroup) => (g.key === 'unlinked' ? 2 : g.key.startsWith('other-') ? 1 : 0);
  return [...groups.values()].sort((a, b) => rank(a) - rank(b) || a.title.localeCompare(b.title));
}
