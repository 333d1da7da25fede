/**
 * Fills `{{name}}` placeholders from params: the one way main (CLI, reports, exports) renders the
 * same locale texts the renderer shows through i18next. A missing value becomes `missing(name)`.
 */
export function fillTemplate(template: string, params: Record<string, string>, missing: (name: string) => string = () => ''): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => params[key] ?? missing(key));
}
