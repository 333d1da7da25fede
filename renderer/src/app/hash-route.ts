/**
 * The route in the URL hash now (#/topology?dn=…), or the fallback path when the hash names none.
 * Free of React, so that the boot can read it before React has loaded.
 */
export function readHashRoute(fallback: string): { path: string; params: URLSearchParams } {
  const hash = window.location.hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = hash.split('?');
  return { path: path || fallback, params: new URLSearchParams(query) };
}
