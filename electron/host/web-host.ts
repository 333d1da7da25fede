import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { contentSecurityPolicy } from '@shared/content-security-policy';
import type { EventBus } from '../services/core/event-bus';
import type { Dispatch } from '../services/core/dispatch';

export interface WebHostOptions {
  dispatch: Dispatch;
  bus: EventBus;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Tests may fix the token; normally a fresh random one per launch. */
  token?: string;
}

export interface WebHost {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly server: Server;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

/**
 * Serves the built renderer and the API (WebSocket at /api) on 127.0.0.1 only. Every HTTP request
 * and the WebSocket upgrade must carry the per-launch token (query, cookie or bearer header), and
 * the Host header must name the loopback address, which defeats DNS rebinding.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const expected = Buffer.from(token);
  const rendererRoot = resolve(options.rendererDir);
  let port = 0;
  const cookieName = () => `umc_token_${port}`;

  const tokenMatches = (candidate: string | undefined) => {
    if (!candidate) return false;
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const allowedHosts = () => new Set([`${LOOPBACK}:${port}`, `localhost:${port}`]);
  const presentedToken = (req: IncomingMessage, url: URL) => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const cookie = parseCookies(req.headers.cookie)[cookieName()];
    return { query: url.searchParams.get('token') ?? undefined, other: bearer ?? cookie };
  };

  const server = createServer((req, res) => {
    setSecurityHeaders(res);
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}`);
    if (!allowedHosts().has(req.headers.host ?? '')) return refuse(res, 421, 'Misdirected request');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed');
    const { query, other } = presentedToken(req, url);
    if (tokenMatches(query)) {
      // Trade the token in the URL for a cookie, then drop it from the address bar.
      url.searchParams.delete('token');
      res.setHeader('Set-Cookie', `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      res.writeHead(303, { Location: url.pathname + url.search });
      return res.end();
    }
    if (!tokenMatches(other)) return refuse(res, 401, 'This console needs the token printed when it started.');
    serveStatic(rendererRoot, url.pathname, req, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}`);
    const origin = req.headers.origin;
    const originOk = origin === undefined || [...allowedHosts()].some((h) => origin === `http://${h}`);
    const { query, other } = presentedToken(req, url);
    if (url.pathname !== '/api' || !allowedHosts().has(req.headers.host ?? '') || !originOk || !(tokenMatches(other) || tokenMatches(query))) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachClient(ws, options));
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${LOOPBACK}:${port}/?token=${token}`,
    port,
    token,
    server,
    close: () =>
      new Promise<void>((done) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** One browser tab: requests in, envelopes and events out. */
function attachClient(ws: WebSocket, options: WebHostOptions): void {
  const unsubscribe = options.bus.subscribe((name, payload) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event: name, payload }));
  });
  ws.on('close', unsubscribe);
  ws.on('message', async (data) => {
    let request: { id?: unknown; method?: unknown; input?: unknown };
    try {
      request = JSON.parse(data.toString());
    } catch {
      ws.send(JSON.stringify({ id: null, envelope: { ok: false, error: { code: 'INVALID_INPUT', message: 'The request was not JSON.' } } }));
      return;
    }
    const id = typeof request.id === 'number' || typeof request.id === 'string' ? request.id : null;
    const envelope = await options.dispatch(request.method, request.input);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, envelope }));
  });
}

function serveStatic(root: string, pathname: string, req: IncomingMessage, res: ServerResponse): void {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return refuse(res, 400, 'Bad path');
  }
  if (relative.includes('\0')) return refuse(res, 400, 'Bad path');
  let file = normalize(join(root, relative));
  if (file !== root && !file.startsWith(root + sep)) return refuse(res, 403, 'Forbidden');
  if (!existsSync(file) || statSync(file).isDirectory()) {
    // The renderer is a single page: unknown paths get the app, assets 404.
    if (extname(relative)) return refuse(res, 404, 'Not found');
    file = join(root, 'index.html');
  }
  if (!existsSync(file)) return refuse(res, 404, 'The renderer is not built. Run npm run build.');
  res.writeHead(200, { 'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream' });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}

function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) cookies[part.slice(0, index).trim()] = part.slice(index + 1).trim();
  }
  return cookies;
}
