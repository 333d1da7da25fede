import { operationFields } from '../enablement/operations';
import type { BulkOperation } from '../models/enablement';
import type { PlanDocument } from '../models/plans';
import type { Language } from '../models/settings';
import en from '../locales/en/plan-facts.json';
import zhTW from '../locales/zh-TW/plan-facts.json';

const factTexts: Record<Language, typeof en> = { en, 'zh-TW': zhTW };

/** A plan fact's attribute in the admin's language (LDAP attribute names stay as they are) and its value ("(none)", yes and no translated). */
export function factText(fact: { attribute: string; value: string }, language: Language): { attribute: string; value: string } {
  const t = factTexts[language] ?? factTexts.en;
  return {
    attribute: (t.attributes as Record<string, string>)[fact.attribute] ?? fact.attribute,
    value: fact.value === NO_VALUE ? t.none : ((t.values as Record<string, string>)[fact.value] ?? fact.value),
  };
}

/** How a plan says "no value" (an object that does not exist, no refusal). */
export const NO_VALUE = '(none)';

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** What a bulk plan does, in plain words, by operation: the users ("2 users") and the cmdlets it runs. */
const bulkHeadlines: Record<BulkOperation, Record<Language, (users: string, cmdlets: string) => string>> = {
  enable: {
    en: (users, cmdlets) => `Enable Unified Messaging for ${users} (${cmdlets}).`,
    'zh-TW': (users, cmdlets) => `為 ${users}啟用整合通訊 (${cmdlets})。`,
  },
  voice: {
    en: (users, cmdlets) => `Enable Lync Enterprise Voice with the line URI from the file for ${users} (${cmdlets}).`,
    'zh-TW': (users, cmdlets) => `以檔案中的線路 URI 為 ${users}啟用 Lync 企業語音 (${cmdlets})。`,
  },
  change: {
    en: (users, cmdlets) => `Change the UM mailbox policy or the extensions of ${users}, within their UM dial plan (${cmdlets}).`,
    'zh-TW': (users, cmdlets) => `在同一 UM 撥號對應表內變更 ${users}的 UM 信箱原則或分機號碼 (${cmdlets})。`,
  },
  pin: {
    en: (users, cmdlets) => `Reset the UM PIN of ${users} (${cmdlets}).`,
    'zh-TW': (users, cmdlets) => `重設 ${users}的 UM PIN (${cmdlets})。`,
  },
  disable: {
    en: (users, cmdlets) => `Disable Unified Messaging for ${users} (${cmdlets}).`,
    'zh-TW': (users, cmdlets) => `停用 ${users}的整合通訊 (${cmdlets})。`,
  },
  move: {
    en: (users, cmdlets) =>
      `Move ${users} to a UM mailbox policy of another UM dial plan: each is disabled, then enabled again with the new policy (${cmdlets}).`,
    'zh-TW': (users, cmdlets) => `將 ${users}移至其他 UM 撥號對應表的 UM 信箱原則：每位使用者先停用，再以新原則重新啟用 (${cmdlets})。`,
  },
};

/** One sentence saying what a plan changes, for the change ticket's summary and the apply screen. */
export function planHeadline(plan: Pick<PlanDocument, 'intent' | 'steps'>, language: Language): string {
  const zh = language === 'zh-TW';
  const intent = plan.intent;
  switch (intent.kind) {
    case 'enablement': {
      const n = intent.rows.length;
      const users = zh ? `${n.toLocaleString('zh-TW')} 位使用者` : plural(n, 'user', 'users');
      const cmdlets = operationFields[intent.operation ?? 'enable'].cmdlets;
      return bulkHeadlines[intent.operation ?? 'enable'][zh ? 'zh-TW' : 'en'](users, cmdlets);
    }
    case 'contacts': {
      const count = (op: string) => intent.operations.filter((o) => o.op === op).length;
      const counts = { create: count('create'), update: count('update'), move: count('move'), delete: count('delete') };
      if (zh) {
        const verbs = { create: '建立', update: '編輯', move: '移動', delete: '刪除' };
        const parts = Object.entries(counts)
          .filter(([, n]) => n > 0)
          .map(([op, n]) => `${verbs[op as keyof typeof verbs]} ${n} 個`);
        return `${parts.join('、')}訂戶存取或自動語音應答連絡人。`;
      }
      const verbs = { create: 'create', update: 'edit', move: 'move', delete: 'delete' };
      const parts = Object.entries(counts)
        .filter(([, n]) => n > 0)
        .map(([op, n]) => `${verbs[op as keyof typeof verbs]} ${n}`);
      const text = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0]!;
      return `${text.charAt(0).toUpperCase()}${text.slice(1)} Subscriber Access or Auto Attendant ${intent.operations.length === 1 ? 'contact' : 'contacts'}.`;
    }
    case 'permissions':
      if (zh) return `在組織單位 ${intent.ou} 上${intent.action === 'grant' ? '授與' : '撤銷'} Lync Server 管理權限 (${intent.types.join(', ')})。`;
      return `${intent.action === 'grant' ? 'Grant' : 'Revoke'} the Lync Server permissions for ${intent.types.join(', ')} on the organizational unit ${intent.ou}.`;
    case 'gateways': {
      const n = plan.steps.length;
      return zh
        ? `依 exchucutil.ps1 的做法建立 UM IP 閘道、群組搜尋與 Lync 的讀取權限：${n} 個命令。`
        : `Create UM IP gateways, hunt groups and Lync's read permissions as exchucutil.ps1 does: ${plural(n, 'command', 'commands')}.`;
    }
  }
}
