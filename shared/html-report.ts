import type { Language } from './models/settings';

/** Escapes text for HTML element content and quoted attribute values: the one escaper of the reports the console writes. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * A report as one self-contained HTML file an admin can attach to a change ticket or print (the
 * checklist, a change plan's summary): no scripts and no external resources, which its CSP also
 * forbids. `title` is escaped here; `css` and `body` are the caller's markup, its values escaped.
 */
export function reportDocument(language: Language, title: string, css: string, body: string): string {
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: "Segoe UI", "Microsoft JhengHei UI", "Noto Sans CJK TC", sans-serif; margin: 24px; color: #202124; }
${css.trim()}
</style>
</head>
<body>
${body.trim()}
</body>
</html>
`;
}
