import type { PlanDocument } from '../models/plans';
import type { Language } from '../models/settings';
import en from '../locales/en/plan-facts.json';
import zhTW from '../locales/zh-TW/plan-facts.json';

const factTexts: Record<Language, typeof en> = { en, 'zh-TW': zhTW };

/** A plan fact's attribute in the admin's language (LDAP attribute names stay as they are) and its value ("(none)" translated). */
export function factText(fact: { attribute: string; value: string }, language: Language): { attribute: string; value: string } {
  const t = factTexts[language] ?? factTexts.en;
  return {
    attribute: (t.attributes as Record<string, string>)[fact.attribute] ?? fact.attribute,
    value: fact.value === NO_VALUE ? t.none : fact.value,
  };
}

/** How a plan says "no value" (an object that does not exist, no refusal). */
export const NO_VALUE = '(none)';

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** One sentence saying what a plan changes, for the change ticket's summary and the apply screen. */
export function planHeadline(plan: Pick<PlanDocument, 'intent' | 'steps'>, language: Language): string {
  const zh = language === 'zh-TW';
  const intent = plan.intent;
  switch (intent.kind) {
    case 'enablement': {
      const n = intent.rows.length;
      return zh
        ? `為 ${n.toLocaleString('zh-TW')} 位使用者啟用整合通訊 (Enable-UMMailbox)。`
        : `Enable Unified Messaging for ${plural(n, 'user', 'users')} (Enable-UMMailbox).`;
    }
    case 'contacts': {
      const created = intent.operations.filter((o) => o.op === 'create').length;
      const deleted = intent.operations.length - created;
      if (zh) {
        const parts = [created ? `建立 ${created} 個` : '', deleted ? `刪除 ${deleted} 個` : ''].filter(Boolean);
        return `${parts.join('、')}訂戶存取或自動語音應答連絡人。`;
      }
      const parts = [created ? `create ${created}` : '', deleted ? `delete ${deleted}` : ''].filter(Boolean).join(' and ');
      return `${parts.charAt(0).toUpperCase()}${parts.slice(1)} Subscriber Access or Auto Attendant ${created + deleted === 1 ? 'contact' : 'contacts'}.`;
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
