/** Channel names of the Electron transport. Kept import-free: the sandboxed preload bundles it. */
export const ipcChannels = { invoke: 'umc:invoke', event: 'umc:event' } as const;

/** The object the preload exposes as `window.umConsole`. */
export interface PreloadBridge {
  invoke(method: string, input: unknown): Promise<unknown>;
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
}
