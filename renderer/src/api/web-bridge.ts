import type { PreloadBridge } from '@shared/ipc-channels';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * The web host's side of the contract: the same two functions as the Electron preload, carried
 * over one WebSocket (the per-launch token travels as the host's cookie, which is scoped to the
 * app's per-launch path, so the socket is opened under that path). Requests made while the socket
 * is down wait for it; a lost socket fails its in-flight calls clearly.
 */
export function createWebBridge(url = apiUrl(location.href)): PreloadBridge {
  let socket: WebSocket | undefined;
  let opened: Promise<WebSocket> | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Set<(name: string, payload: unknown) => void>();

  const connect = (): Promise<WebSocket> => {
    if (opened) return opened;
    opened = new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => {
        socket = ws;
        resolve(ws);
      };
      ws.onerror = () => reject(new Error('The console host is not reachable.'));
      ws.onclose = () => {
        socket = undefined;
        opened = undefined;
        for (const [id, p] of pending) {
          pending.delete(id);
          p.reject(new Error('The connection to the console host was lost.'));
        }
      };
      ws.onmessage = (message) => {
        const data = JSON.parse(String(message.data)) as { id?: number; envelope?: unknown; event?: string; payload?: unknown };
        if (data.event) {
          for (const listener of listeners) listener(data.event, data.payload);
        } else if (typeof data.id === 'number') {
          pending.get(data.id)?.resolve(data.envelope);
          pending.delete(data.id);
        }
      };
    });
    return opened;
  };

  return {
    async invoke(method, input) {
      const ws = socket ?? (await connect());
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, input }));
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      void connect().catch(() => undefined);
      return () => listeners.delete(listener);
    },
  };
}

/** The API socket beside the page: `http://host/<app path>/…` → `ws://host/<app path>/api`. */
export function apiUrl(pageUrl: string): string {
  const url = new URL('api', pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.hash = '';
  url.search = '';
  return url.toString();
}
