import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startWebHost, type WebHost } from '../../electron/host/web-host';
import { createTestServices } from './support/test-services';

/** The web host: loopback only, and nothing without the per-launch token. */
let host: WebHost;
const { services, dispatch } = createTestServices();

beforeAll(async () => {
  const renderer = mkdtempSync(join(tmpdir(), 'umc-renderer-'));
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>UM Integration Console</title>');
  host = await startWebHost({ dispatch, bus: services.bus, rendererDir: renderer });
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

function openSocket(headers: Record<string, string>, query = ''): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api${query}`, { headers });
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
    for (const path of ['/', '/index.html', '/assets/app.js', '/api']) {
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
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await get('/', { Cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await get('/', { Authorization: `Bearer ${host.token}` })).status).toBe(200);
  });

  it('refuses a request naming another host (DNS rebinding)', async () => {
    expect((await get('/', { Host: 'evil.example:80', Authorization: `Bearer ${host.token}` })).status).toBe(421);
  });

  it('refuses a WebSocket without the token or from another origin', async () => {
    await expect(openSocket({})).rejects.toThrow(/401/);
    await expect(openSocket({ Cookie: `umc_token_${host.port}=${host.token}`, Origin: 'http://evil.example' })).rejects.toThrow(/401/);
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
