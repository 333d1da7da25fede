import { createTheme, type Theme } from '@mui/material/styles';
import type { Language } from '@shared/models/settings';

/**
 * Fonts a Windows jump box has first, then Linux's. For Traditional Chinese, Windows' own UI face
 * for it (Microsoft JhengHei UI, Windows 8 and later; Microsoft JhengHei before that) comes right
 * after Segoe UI, so Chinese text is not left to the browser's per-glyph fallback (which can pick
 * a Simplified Chinese or Japanese face, or MingLiU) and Latin and Chinese sit on one baseline.
 */
const latin = ['"Segoe UI"'];
const traditionalChinese = ['"Microsoft JhengHei UI"', '"Microsoft JhengHei"', '"PingFang TC"', '"Noto Sans CJK TC"'];
const linux = ['Roboto', '"Noto Sans"'];

export function fontStack(language: Language): string {
  const faces = language === 'zh-TW' ? [...latin, ...traditionalChinese, ...linux] : [...latin, ...linux, ...traditionalChinese];
  return [...faces, 'sans-serif'].join(',');
}

/** Code, DNs and commands: Windows' monospace faces, with a Traditional Chinese face for names in data. */
export const monospaceFont = ['"Cascadia Mono"', 'Consolas', '"DejaVu Sans Mono"', '"Microsoft JhengHei UI"', '"Noto Sans Mono CJK TC"', 'monospace'].join(',');

export function buildTheme(mode: 'light' | 'dark', language: Language = 'en'): Theme {
  return createTheme({
    palette: {
      mode,
      primary: { main: mode === 'light' ? '#0b5cad' : '#7cb4f0' },
      secondary: { main: mode === 'light' ? '#6a3fa0' : '#c3a6e8' },
    },
    typography: { fontFamily: fontStack(language), fontSize: 14 },
    shape: { borderRadius: 6 },
    components: {
      MuiButton: { defaultProps: { disableElevation: true } },
      MuiTooltip: { defaultProps: { arrow: true } },
    },
  });
}
