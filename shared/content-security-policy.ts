/**
 * The renderer's Content-Security-Policy, one definition for the HTML meta tag (injected at
 * build), the web host's response header and the Electron protocol handler. Inline styles are
 * allowed because MUI (emotion) injects style elements; scripts come only from the app itself.
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
