import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startWebHost, type WebHost } from '../../electron/host/web-host';
import { createTestServices, quietLogger } from './support/test-services';

/** The web host: loopback only, and nothing without the per-launch token. */
let host: WebHost;
const { services, dispatch } = createTestServices();

beforeAll(async () => {
  const renderer = mkdtempSync(join(tmpdir(), 'umc-renderer-'));
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>UM Integration Console</title>');
  host = await startWebHost({ dispatch, bus: services.bus, rendererDir: renderer, logger: quietLogger });
});
afterAll(async () => {
  await host.close();
  await services.shutdown();
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers: { Host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function openSocket(headers: Record<string, string>, query = '', path = `${host.appPath}api`): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${path}${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

describe('web host', () => {
  it('listens on 127.0.0.1 only', async () => {
    const address = host.server.address();
    expect(typeof address === 'object' && address?.address).toBe('127.0.0.1');
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: external.address, port: host.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.once('error', () => resolve(true));
      });
      expect(refused).toBe(true);
    }
  });

  it('refuses every HTTP request without the token', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js', '/api', host.appPath, `${host.appPath}index.html`, `${host.appPath}api`]) {
      const res = await get(path);
      expect(res.status, path).toBe(401);
      expect(res.body).not.toContain('UM Integration Console</title>');
    }
    expect((await get('/', { Cookie: `umc_token_${host.port}=wrong` })).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
  });

  it('trades the token in the URL for a same-site, HTTP-only cookie, then serves the app', async () => {
    const first = await get(`/?token=${host.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe(host.appPath);
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await get(host.appPath, { Cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await get(host.appPath, { Authorization: `Bearer ${host.token}` })).status).toBe(200);
    expect((await get('/', { Authorization: `Bearer ${host.token}` })).headers.location).toBe(host.appPath);
  });

  it('sends its cookie only to its own per-launch path, under a name bound to its port', async () => {
    // Browsers send a host's cookies to all its ports; only the path keeps the token from
    // another server on 127.0.0.1 (the browser test in web-host.spec.ts shows it).
    const cookie = String((await get(`/?token=${host.token}`)).headers['set-cookie']);
    expect(cookie.startsWith(`umc_token_${host.port}=`)).toBe(true);
    expect(host.appPath).toMatch(/^\/[A-Za-z0-9_-]{22,}\/$/);
    expect(cookie).toContain(`; Path=${host.appPath}`);
    const other = await startWebHost({ dispatch, bus: services.bus, rendererDir: mkdtempSync(join(tmpdir(), 'umc-renderer-')), logger: quietLogger });
    expect(other.appPath).not.toBe(host.appPath);
    await other.close();
  });

  it('refuses a request naming another host (DNS rebinding)', async () => {
    expect((await get('/', { Host: 'evil.example:80', Authorization: `Bearer ${host.token}` })).status).toBe(421);
  });

  it('refuses a WebSocket without the token, from another origin or on another path', async () => {
    await expect(openSocket({})).rejects.toThrow(/401/);
    await expect(openSocket({ Cookie: `umc_token_${host.port}=${host.token}`, Origin: 'http://evil.example' })).rejects.toThrow(/401/);
    await expect(openSocket({ Cookie: `umc_token_${host.port}=${host.token}` }, '', '/api')).rejects.toThrow(/401/);
  });

  it('carries API calls and their errors over an authorised WebSocket', async () => {
    const ws = await openSocket({ Cookie: `umc_token_${host.port}=${host.token}`, Origin: `http://127.0.0.1:${host.port}` });
    const call = (id: number, method: string, input: unknown) =>
      new Promise<{ id: number; envelope: { ok: boolean; result?: unknown; error?: { code: string } } }>((resolve) => {
        ws.on('message', function handler(data) {
          const message = JSON.parse(String(data));
          if (message.id === id) {
            ws.off('message', handler);
            resolve(message);
          }
        });
        ws.send(JSON.stringify({ id, method, input }));
      });
    const info = await call(1, 'app.info', {});
    expect(info.envelope).toMatchObject({ ok: true, result: { transport: 'web', canRememberSecrets: false, labAvailable: true } });
    const bad = await call(2, 'profiles.delete', { name: '../x' });
    expect(bad.envelope).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    ws.close();
  });
});

/**
 * Hostile local clients, over raw sockets: any process on the machine can reach the host, so no
 * request line, header, body or WebSocket frame may end it. The host runs in a process of its own
 * (support/web-host-process.ts, no process-level safety net), so an error that escapes a handler
 * ends that process and the test sees it.
 */
interface HostProcess {
  port: number;
  token: string;
  appPath: string;
  child: ChildProcess;
  stderr: () => string;
}

const hostProcesses: HostProcess[] = [];
afterAll(() => {
  for (const h of hostProcesses) h.child.kill();
});

async function startHostProcess(limits: Record<string, number> = {}, env: NodeJS.ProcessEnv = {}): Promise<HostProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support/web-host-process.ts'), JSON.stringify(limits)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const ready = await new Promise<{ port: number; token: string; appPath: string }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const line = /READY (\{.*\})/.exec(out);
      if (line) resolve(JSON.parse(line[1]!));
    });
    child.once('exit', (code) => reject(new Error(`the web host process exited (${code}): ${stderr}`)));
  });
  const started = { ...ready, child, stderr: () => stderr };
  hostProcesses.push(started);
  return started;
}

/** Sends bytes on a fresh connection; resolves with what came back once the host closes it, or after waitMs. */
function exchange(port: number, data: string | Buffer, waitMs = 5_000): Promise<{ response: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let response = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ response, closed: false });
    }, waitMs);
    socket.on('data', (d) => (response += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ response, closed: true });
    });
    socket.write(data);
  });
}

const statusLine = (response: string) => response.split('\r\n')[0];

/** The host process is still there and still answers (401: no token). */
async function expectAlive(h: HostProcess): Promise<void> {
  expect(h.child.exitCode, h.stderr()).toBeNull();
  const { response } = await exchange(h.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nConnection: close\r\n\r\n`);
  expect(statusLine(response)).toBe('HTTP/1.1 401 Unauthorized');
  expect(h.child.exitCode, h.stderr()).toBeNull();
}

/** An authorised WebSocket on a raw socket, so tests can send frames no WebSocket client would. */
function openRawApiSocket(h: HostProcess): Promise<{ socket: Socket; received: () => Buffer; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: h.port });
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    const closed = new Promise<void>((done) =>
      socket.on('close', () => {
        if (!upgraded) reject(new Error(`the host closed the connection before the upgrade: ${statusLine(buffer.toString('latin1'))}`));
        done();
      }),
    );
    socket.on('error', () => undefined);
    socket.on('data', (d) => {
      buffer = Buffer.concat([buffer, d]);
      const end = buffer.indexOf('\r\n\r\n');
      if (!upgraded && end >= 0) {
        if (!buffer.toString('latin1').startsWith('HTTP/1.1 101')) return reject(new Error(statusLine(buffer.toString('latin1'))));
        upgraded = true;
        buffer = buffer.subarray(end + 4);
        resolve({ socket, received: () => buffer, closed });
      }
    });
    socket.write(
      [
        `GET ${h.appPath}api HTTP/1.1`,
        `Host: 127.0.0.1:${h.port}`,
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        `Cookie: umc_token_${h.port}=${h.token}`,
        '',
        '',
      ].join('\r\n'),
    );
  });
}

/** A client text frame (masked, as clients must; the zero mask leaves the payload as it is). */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error('short frames only');
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
}

describe('web host against hostile local clients', () => {
  let h: HostProcess;
  beforeAll(async () => {
    h = await startHostProcess();
  });

  it('answers 400 to request targets that do not parse, and keeps running', async () => {
    for (const target of ['http://[', 'http://[::1', 'http://a:b:c/', 'http://%zz/']) {
      for (const method of ['GET', 'HEAD', 'OPTIONS']) {
        const { response } = await exchange(h.port, `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nConnection: close\r\n\r\n`);
        expect(statusLine(response), `${method} ${target}`).toBe('HTTP/1.1 400 Bad Request');
      }
    }
    await expectAlive(h);
  });

  it('answers 400 to an upgrade request whose target does not parse, and keeps running', async () => {
    for (const target of ['http://[', 'http://[::1', 'http://a:b:c/api']) {
      const upgrade = [
        `GET ${target} HTTP/1.1`,
        `Host: 127.0.0.1:${h.port}`,
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        `Cookie: umc_token_${h.port}=${h.token}`,
        '',
        '',
      ].join('\r\n');
      const { response, closed } = await exchange(h.port, upgrade);
      expect(statusLine(response), target).toBe('HTTP/1.1 400 Bad Request');
      expect(closed).toBe(true);
    }
    await expectAlive(h);
  });

  it('refuses request headers over 16 KiB, even when the process allows more', async () => {
    const generous = await startHostProcess({}, { NODE_OPTIONS: '--max-http-header-size=1048576' });
    const withCookies = (bytes: number) =>
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${generous.port}\r\nConnection: close\r\nCookie: other_local_app=${'a'.repeat(bytes)}\r\n\r\n`;
    // Other local apps' cookies on 127.0.0.1 come along with every request: those still fit.
    expect(statusLine((await exchange(generous.port, withCookies(10 * 1024))).response)).toBe('HTTP/1.1 401 Unauthorized');
    const { response, closed } = await exchange(generous.port, withCookies(20 * 1024));
    expect(statusLine(response)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(closed).toBe(true);
    await expectAlive(generous);
  });

  it('refuses a request body at once, without reading it', async () => {
    for (const framing of ['Content-Length: 1000000000', 'Transfer-Encoding: chunked']) {
      for (const [target, host] of [
        ['/', `127.0.0.1:${h.port}`],
        ['http://[', `127.0.0.1:${h.port}`],
        ['/', 'evil.example'],
      ]) {
        const { response, closed } = await exchange(h.port, `POST ${target} HTTP/1.1\r\nHost: ${host}\r\n${framing}\r\n\r\n1000\r\nabc`);
        expect(statusLine(response), `${framing} ${target} ${host}`).toBe('HTTP/1.1 413 Payload Too Large');
        expect(closed, `${framing} ${target} ${host}`).toBe(true);
      }
    }
    await expectAlive(h);
  });

  it('closes a WebSocket that sends an invalid or oversized frame, and keeps running', async () => {
    const frames = {
      'a reserved opcode': Buffer.from([0x83, 0x80, 1, 2, 3, 4]),
      'an unmasked client frame': Buffer.from([0x81, 0x01, 0x41]),
      'text that is not UTF-8': Buffer.from([0x81, 0x81, 0, 0, 0, 0, 0xff]),
      'a length over the message limit': Buffer.from([0x81, 0xff, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4]),
    };
    for (const [what, frame] of Object.entries(frames)) {
      const api = await openRawApiSocket(h);
      api.socket.write(frame);
      await api.closed;
      // A close frame (0x88) with the reason's status code: 1002 protocol error, 1007 bad data, 1009 too big.
      expect(api.received()[0], what).toBe(0x88);
      expect([1002, 1007, 1009], what).toContain(api.received().readUInt16BE(2));
      await expectAlive(h);
    }
  });

  it('answers an API message that is JSON but not an object', async () => {
    for (const message of ['null', '42', '"app.info"', '[]']) {
      const api = await openRawApiSocket(h);
      api.socket.write(textFrame(message));
      await expect.poll(() => api.received().length, { timeout: 5_000 }).toBeGreaterThan(2);
      const reply = JSON.parse(api.received().subarray(2).toString()) as { envelope: { ok: boolean; error?: { code: string } } };
      expect(reply.envelope, message).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      api.socket.destroy();
    }
    await expectAlive(h);
    expect(h.stderr()).not.toContain(h.token);
  });

  it('cuts off a client that sends its headers too slowly', async () => {
    const slow = await startHostProcess({ headersTimeoutMs: 1_000 });
    const started = Date.now();
    const { response, closed } = await exchange(slow.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${slow.port}\r\nX-Slow: `, 8_000);
    expect(closed).toBe(true);
    expect(statusLine(response)).toBe('HTTP/1.1 408 Request Timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
    await expectAlive(slow);
  });
});
