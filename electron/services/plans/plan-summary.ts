import { escapeHtml, reportDocument } from '@shared/html-report';
import type { PlanDocument } from '@shared/models/plans';
import type { Language } from '@shared/models/settings';
import { factText, planHeadline } from '@shared/plans/plan-text';

const labels = {
  en: {
    title: 'Change plan for approval',
    preparedBy: 'Prepared by',
    profile: 'Profile',
    preparedAt: 'Prepared at',
    fingerprint: 'Plan fingerprint (SHA-256)',
    steps: 'What will run',
    target: 'Object',
    command: 'Command',
    facts: 'The directory as planned',
    factsNote:
      'The console applies this plan only while each of these values is still as listed; if any changed, it shows the difference and refuses until a new plan is approved.',
    object: 'Object',
    attribute: 'Attribute',
    value: 'Value',
    secrets: 'Secrets (PINs, passwords) are not in the plan: they are asked for when it is applied.',
  },
  'zh-TW': {
    title: '待核准的變更計畫',
    preparedBy: '準備者',
    profile: '設定檔',
    preparedAt: '準備時間',
    fingerprint: '計畫指紋 (SHA-256)',
    steps: '將執行的內容',
    target: '物件',
    command: '命令',
    facts: '計畫所依據的目錄狀態',
    factsNote: '只有在下列每個值都維持不變時，主控台才會套用此計畫；若有任何變更，主控台會顯示差異並拒絕套用，直到核准新的計畫為止。',
    object: '物件',
    attribute: '屬性',
    value: '值',
    secrets: '計畫中不含祕密 (PIN、密碼)：套用時才會要求輸入。',
  },
} as const;

/**
 * The plan in plain language for the change ticket: what changes, on which objects, how many, who
 * prepared it and when, and its fingerprint. One self-contained HTML file (no scripts, no external
 * resources); every value is escaped.
 */
export function planSummaryHtml(plan: PlanDocument, language: Language): string {
  const l = labels[language] ?? labels.en;
  const hasSecrets = plan.steps.some((s) => s.secrets.length > 0);
  const steps = plan.steps.map((s) => `<tr><td>${escapeHtml(s.target)}</td><td><code>${escapeHtml(s.command)}</code></td></tr>`).join('\n');
  const facts = plan.facts
    .map((f) => {
      const text = factText(f, language);
      return `<tr><td>${escapeHtml(f.object)}</td><td>${escapeHtml(text.attribute)}</td><td>${escapeHtml(text.value)}</td></tr>`;
    })
    .join('\n');
  const css = `
table { border-collapse: collapse; width: 100%; margin-bottom: 16px; }
th, td { border: 1px solid #dadce0; padding: 6px 8px; vertical-align: top; text-align: left; }
code { white-space: pre-wrap; word-break: break-all; font-size: 90%; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dt { color: #5f6368; }
.facts td:nth-child(2) { white-space: nowrap; }
.note { color: #5f6368; }`;
  return reportDocument(
    language,
    `${l.title} ${plan.id}`,
    css,
    `
<h1>${escapeHtml(l.title)}</h1>
<p class="headline"><strong>${escapeHtml(planHeadline(plan, language))}</strong></p>
<dl>
<dt>${escapeHtml(l.preparedBy)}</dt><dd>${escapeHtml(plan.preparedBy.identity)}</dd>
<dt>${escapeHtml(l.profile)}</dt><dd>${escapeHtml(plan.profile)}</dd>
<dt>${escapeHtml(l.preparedAt)}</dt><dd>${escapeHtml(plan.preparedAt)}</dd>
<dt>${escapeHtml(l.fingerprint)}</dt><dd><code>${escapeHtml(plan.hash)}</code> (${escapeHtml(plan.id)})</dd>
</dl>
${hasSecrets ? `<p class="note">${escapeHtml(l.secrets)}</p>` : ''}
<h2>${escapeHtml(l.steps)} (${plan.steps.length})</h2>
<table>
<thead><tr><th>${escapeHtml(l.target)}</th><th>${escapeHtml(l.command)}</th></tr></thead>
<tbody>
${steps}
</tbody>
</table>
<h2>${escapeHtml(l.facts)}</h2>
<p class="note">${escapeHtml(l.factsNote)}</p>
<table class="facts">
<thead><tr><th>${escapeHtml(l.object)}</th><th>${escapeHtml(l.attribute)}</th><th>${escapeHtml(l.value)}</th></tr></thead>
<tbody>
${facts}
</tbody>
</table>`,
  );
}
