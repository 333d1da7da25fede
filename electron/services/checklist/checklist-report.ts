import type { Checklist } from '@shared/models/checklist';
import type { Language } from '@shared/models/settings';
import { checklistStepText } from '@shared/checklist/checklist-text';
import { escapeHtml, reportDocument } from '@shared/html-report';

const labels = {
  en: {
    title: 'UM integration checklist',
    scope: 'Dial plan',
    all: 'All dial plans',
    read: 'Checked',
    roles: 'Needs',
    held: 'held by',
    notHeld: 'not held by',
    step: 'Step',
    status: 'Status',
    details: 'Details',
    confirmed: 'Confirmed by hand by',
  },
  'zh-TW': {
    title: '整合通訊整合檢查清單',
    scope: '撥號對應表',
    all: '所有撥號對應表',
    read: '檢查時間',
    roles: '需要',
    held: '已具備：',
    notHeld: '未具備：',
    step: '步驟',
    status: '狀態',
    details: '詳細資料',
    confirmed: '手動確認者：',
  },
} as const;
const colors = { done: '#1b7f3b', confirmed: '#1b6f7f', partly: '#b26a00', 'not-done': '#b3261e', unknown: '#5f6368' } as const;

/**
 * The checklist as one self-contained HTML file (no scripts, no external resources) an admin can
 * attach to a change ticket or print to PDF. Every value from the directory is escaped.
 */
export function checklistReportHtml(checklist: Checklist, language: Language, context: { account?: string; forests: string[] }): string {
  const l = labels[language] ?? labels.en;
  const rows = checklist.steps
    .map((step) => {
      const text = checklistStepText(step, language);
      const roles = step.roles
        .map((r) => `${escapeHtml(r.anyOf.join(' / '))}${r.held === undefined ? '' : ` — ${r.held ? l.held : l.notHeld} ${escapeHtml(r.account ?? '')}`}`)
        .join('<br>');
      return `<tr>
  <td class="n">${step.number}</td>
  <td><strong>${escapeHtml(text.title)}</strong><div class="what">${escapeHtml(text.what)}</div></td>
  <td><span class="status" style="background:${colors[step.status]}">${escapeHtml(text.status)}</span></td>
  <td><p>${escapeHtml(text.reason)}</p><ul>${step.evidence.map((e, i) => `<li class="${e.ok ? 'ok' : 'gap'}">${escapeHtml(text.evidence[i]!)}</li>`).join('')}</ul><div class="roles">${escapeHtml(l.roles)}: ${roles}</div>${step.confirmation ? `<div class="confirmed">${escapeHtml(l.confirmed)} ${escapeHtml(step.confirmation.by)}${step.confirmation.osUser ? ` (${escapeHtml(step.confirmation.osUser)})` : ''}, ${escapeHtml(step.confirmation.at)}${step.confirmation.note ? ` — ${escapeHtml(step.confirmation.note)}` : ''}</div>` : ''}</td>
</tr>`;
    })
    .join('\n');
  const css = `
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #dadce0; padding: 8px; vertical-align: top; text-align: left; }
td.n { width: 2em; text-align: right; }
.what { color: #5f6368; font-size: 90%; margin-top: 4px; }
.status { color: #fff; border-radius: 4px; padding: 2px 8px; white-space: nowrap; }
li.gap { color: #b3261e; }
.roles { color: #5f6368; font-size: 90%; margin-top: 6px; }
.confirmed { color: #1b6f7f; font-size: 90%; margin-top: 6px; }`;
  return reportDocument(
    language,
    l.title,
    css,
    `
<h1>${escapeHtml(l.title)}</h1>
<p>${escapeHtml(l.scope)}: ${escapeHtml(checklist.dialPlan?.name ?? l.all)} · ${escapeHtml(context.forests.join(', '))}${context.account ? ` · ${escapeHtml(context.account)}` : ''} · ${escapeHtml(l.read)}: ${escapeHtml(new Date(checklist.readAt).toISOString())}</p>
<table>
<thead><tr><th>#</th><th>${escapeHtml(l.step)}</th><th>${escapeHtml(l.status)}</th><th>${escapeHtml(l.details)}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`,
  );
}
