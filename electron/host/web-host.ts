import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { contentSecurityPolicy } from '@shared/content-security-policy';
import type { EventBus } from '../services/core/event-bus';
import type { Dispatch } from '../services/core/dispatch';
import type { Logger } from '../services/core/logger';

export interface WebHostOptions {
  dispatch: Dispatch;
  bus: EventBus;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Tests may fix the token; normally a fresh random one per launch. */
  token?: string;
  /** Where a failed request is reported (never with the request's URL or headers, which carry the token). */
  logger: Logger;
  /** Tests shorten the timeouts; normally the defaults below. */
  limits?: Partial<WebHostLimits>;
}

/**
 * What one local client may cost the host. Only the browser tab that holds the token is a
 * legitimate client, and it sends small GETs and API messages; anything slower or larger is cut
 * off before it can tie the host up.
 */
export interface WebHostLimits {
  /** Time to send all request headers (slow-header clients). */
  headersTimeoutMs: number;
  /** Time to send the whole request. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /**
   * All request headers together. Node's own default, set here so that no --max-http-header-size
   * (or NODE_OPTIONS) raises it; not lower, because the browser also sends this host every cookie
   * other local apps set on 127.0.0.1.
   */
  maxHeaderBytes: number;
  /** One API message: the largest input is a CSV file for bulk enablement (56 MB of base64, shared/api/enablement.ts). */
  maxMessageBytes: number;
}

export const defaultWebHostLimits: WebHostLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderBytes: 16 * 1024,
  maxMessageBytes: 64 * 1024 * 1024,
};

export interface WebHost {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Where the app lives: a random path per launch, the only path the token cookie is sent to. */
  readonly appPath: string;
  readonly server: Server;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

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
 * Serves the built renderer and the API (WebSocket at <appPath>api) on 127.0.0.1 only. Every HTTP
 * request and the WebSocket upgrade must carry the per-launch token (query, cookie or bearer
 * header), and the Host header must name the loopback address, which defeats DNS rebinding.
 *
 * Any local process can connect, so nothing a client sends may stop the host: a request that
 * does not parse gets 400, limits and timeouts bound what one connection costs, and an error in a
 * handler is logged and answered instead of escaping.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const expected = Buffer.from(token);
  const rendererRoot = resolve(options.rendererDir);
  const limits = { ...defaultWebHostLimits, ...options.limits };
  const { logger } = options;
  // Browsers send a host's cookies to every port on it (RFC 6265 §8.5), so a cookie on "/" would
  // also go to any other server on 127.0.0.1 the admin's browser visits. Scoped to a random path,
  // it goes only where that path is requested, which another server cannot know.
  const appPath = `/${randomBytes(16).toString('base64url')}/`;
  const apiPath = `${appPath}api`;
  let port = 0;
  // Named per port so that two consoles on one machine do not overwrite each other's cookie.
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

  const handleRequest = (req: IncomingMessage, res: ServerResponse) => {
    setSecurityHeaders(res);
    // The host serves GET and HEAD only: a request body is never read, so none is accepted, and
    // the connection closes rather than draining one.
    if (hasBody(req)) return refuse(res, 413, 'Request bodies are not accepted.', { close: true });
    const url = parseRequestTarget(req.url);
    if (!url) return refuse(res, 400, 'Bad request');
    if (!allowedHosts().has(req.headers.host ?? '')) return refuse(res, 421, 'Misdirected request');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed');
    const { query, other } = presentedToken(req, url);
    if (tokenMatches(query)) {
      // Trade the token in the URL for a cookie, then drop it from the address bar.
      res.setHeader('Set-Cookie', `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=${appPath}`);
      res.writeHead(303, { Location: appPath });
      return res.end();
    }
    if (!tokenMatches(other)) return refuse(res, 401, 'This console needs the token printed when it started.');
    if (!url.pathname.startsWith(appPath)) {
      res.writeHead(303, { Location: appPath });
      return res.end();
    }
    serveStatic(rendererRoot, url.pathname.slice(appPath.length - 1), req, res, logger);
  };

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
      // The timeouts above are enforced on this tick; Node's default (30 s) would let them slip.
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    },
    (req, res) => {
      try {
        handleRequest(req, res);
      } catch (error) {
        logger.error('a web host request failed', error);
        if (!res.headersSent) refuse(res, 500, 'Internal error', { close: true });
        else res.destroy();
      }
    },
  );
  server.maxHeadersCount = 64;

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes, perMessageDeflate: false });
  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = parseRequestTarget(req.url);
    if (!url) return refuseUpgrade(socket, 400, 'Bad Request');
    const origin = req.headers.origin;
    const originOk = origin === undefined || [...allowedHosts()].some((h) => origin === `http://${h}`);
    const { query, other } = presentedToken(req, url);
    if (url.pathname !== apiPath || !allowedHosts().has(req.headers.host ?? '') || !originOk || !(tokenMatches(other) || tokenMatches(query))) {
      return refuseUpgrade(socket, 401, 'Unauthorized');
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachClient(ws, options));
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands the socket over without an error listener; a client that resets it mid-answer
    // would otherwise raise an unhandled 'error'.
    socket.on('error', () => socket.destroy());
    try {
      handleUpgrade(req, socket, head);
    } catch (error) {
      logger.error('a web host upgrade failed', error);
      socket.destroy();
    }
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
    appPath,
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

/**
 * The request target as a URL, or undefined when it does not parse (`GET http://[ HTTP/1.1`).
 * Only the path and query are used; the Host header is checked on its own.
 */
function parseRequestTarget(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', `http://${LOOPBACK}`);
  } catch {
    return undefined;
  }
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** One browser tab: requests in, envelopes and events out. A broken message or frame closes this tab's socket, nothing more. */
function attachClient(ws: WebSocket, options: WebHostOptions): void {
  const { logger } = options;
  const send = (message: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const unsubscribe = options.bus.subscribe((name, payload) => send({ event: name, payload }));
  ws.on('close', unsubscribe);
  // ws reports a malformed or oversized frame as 'error' and closes the socket with 1002/1009;
  // without a listener the event would throw out of the socket's data handler.
  ws.on('error', (error) => logger.warn('closed a WebSocket client that sent an invalid frame', { reason: error.message }));
  ws.on('message', async (data) => {
    let id: string | number | null = null;
    try {
      let request: { id?: unknown; method?: unknown; input?: unknown };
      try {
        request = JSON.parse(data.toString());
      } catch {
        return send({ id: null, envelope: { ok: false, error: { code: 'INVALID_INPUT', message: 'The request was not JSON.' } } });
      }
      id = typeof request?.id === 'number' || typeof request?.id === 'string' ? request.id : null;
      send({ id, envelope: await options.dispatch(request?.method, request?.input) });
    } catch (error) {
      logger.error('a web host API message failed', error);
      send({ id, envelope: { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong inside the console. The log has the details.' } } });
    }
  });
}

function serveStatic(root: string, pathname: string, req: IncomingMessage, res: ServerResponse, logger: Logger): void {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return refuse(res, 400, 'Bad path');
  }
  if (relative.includes('\0')) return refuse(res, 400, 'Bad path');
  let file = normalize(join(root, relative));
  if (file !== root && !file.startsWith(root + sep)) return refuse(res, 403, 'Forbidden');
  if (!isFile(file)) {
    // The renderer is a single page: unknown paths get the app, assets 404.
    if (extname(relative)) return refuse(res, 404, 'Not found');
    file = join(root, 'index.html');
  }
  if (!isFile(file)) return refuse(res, 404, 'The renderer is not built. Run npm run build.');
  res.writeHead(200, { 'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream' });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file)
    .on('error', (error) => {
      logger.warn('could not read a renderer file', { reason: error.message });
      res.destroy();
    })
    .pipe(res);
}

/** A regular file at that path; false for anything stat cannot read (too long a name, no access). */
function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
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

/** A plain-text refusal; with close, the connection ends after it (its request body, if any, is never read). */
function refuse(res: ServerResponse, status: number, message: string, options: { close?: boolean } = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...(options.close ? { Connection: 'close' } : {}) });
  res.end(`${message}\n`);
}

/** Answers an upgrade request that is not let through, then closes the socket once the answer is out. */
function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) cookies[part.slice(0, index).trim()] = part.slice(index + 1).trim();
  }
  return cookies;
}
