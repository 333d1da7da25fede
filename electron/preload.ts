import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { ipcChannels, type PreloadBridge } from '@shared/ipc-channels';

/**
 * The renderer's only door into main: two functions, no Node, no ipcRenderer itself. Main parses
 * every input with the contract's schemas, so nothing here needs to be trusted.
 */
const bridge: PreloadBridge = {
  invoke: (method, input) => ipcRenderer.invoke(ipcChannels.invoke, String(method), input),
  onEvent: (listener) => {
    const handler = (_event: IpcRendererEvent, name: unknown, payload: unknown) => listener(String(name), payload);
    ipcRenderer.on(ipcChannels.event, handler);
    return () => {
      ipcRenderer.removeListener(ipcChannels.event, handler);
    };
  },
};

contextBridge.exposeInMainWorld('umConsole', bridge);
