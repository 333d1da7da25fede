import type { PreloadBridge } from '@shared/ipc-channels';
import { ApiClient } from './api-client';
import { createWebBridge } from './web-bridge';

declare global {
  interface Window {
    umConsole?: PreloadBridge;
  }
}

/** Electron's preload bridge when present, otherwise the web host's WebSocket bridge. */
export function createApiClient(): ApiClient {
  return new ApiClient(window.umConsole ?? createWebBridge());
}
