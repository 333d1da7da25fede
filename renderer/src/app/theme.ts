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

/**
 * In light mode MUI's warning orange (#ed6c02) and info blue (#0288d1) give white chip text and
 * orange or blue text on white 3.1:1 and 3.9:1, under WCAG's 4.5:1; these darker shades give 5.0:1
 * and 4.8:1. The dark palette's light shades already carry dark text.
 */
const lightStatusColours = { warning: { main: '#b45309' }, info: { main: '#0277bd' } };
/** Dark mode's error red (#f44336) gives white chip text 3.7:1; dark text on it gives 5.6:1, as on its other status colours. */
const darkStatusColours = { error: { main: '#f44336', contrastText: 'rgba(0, 0, 0, 0.87)' } };

/** `progressLabel` names every progress bar and spinner (role=progressbar needs a name; axe counts it serious). */
export function buildTheme(mode: 'light' | 'dark', language: Language = 'en', progressLabel = 'Loading…'): Theme {
  const focusRing = mode === 'light' ? '#0b5cad' : '#7cb4f0';
  return createTheme({
    palette: {
      mode,
      primary: { main: mode === 'light' ? '#0b5cad' : '#7cb4f0' },
      secondary: { main: mode === 'light' ? '#6a3fa0' : '#c3a6e8' },
      ...(mode === 'light' ? lightStatusColours : darkStatusColours),
    },
    typography: { fontFamily: fontStack(language), fontSize: 14 },
    shape: { borderRadius: 6 },
    components: {
      // Sentence case, as Windows admin tools write buttons: upper-casing would also change the
      // domain names and cmdlet names some buttons carry ("Fix: gateway setup for contoso.test").
      MuiButton: { defaultProps: { disableElevation: true }, styleOverrides: { root: { textTransform: 'none' } } },
      MuiTooltip: { defaultProps: { arrow: true } },
      MuiLinearProgress: { defaultProps: { 'aria-label': progressLabel } },
      MuiCircularProgress: { defaultProps: { 'aria-label': progressLabel } },
      MuiCssBaseline: {
        styleOverrides: {
          // A focus ring that can be seen, on everything reached by the keyboard (MUI's own is a
          // faint background change): buttons, chips, links, list and menu items, tabs, tree items.
          // (`:root` outweighs the components' own `outline: 0`, which emotion inserts later.)
          ':root .Mui-focusVisible, :root a:focus-visible, :root .MuiTreeItem-root:focus-visible > .MuiTreeItem-content, :root .MuiTab-root:focus-visible': {
            outline: `2px solid ${focusRing}`,
            outlineOffset: '2px',
          },
          // On the coloured app bar the ring takes the bar's text colour.
          ':root .MuiAppBar-root .Mui-focusVisible, :root .MuiAppBar-root :focus-visible': { outline: '2px solid currentColor', outlineOffset: '2px' },
          // Short labels are not broken inside a word, nor Chinese between characters (a column
          // header or a button set one character a line).
          'th, .MuiButton-root, .MuiTab-root, .MuiChip-label, .MuiToggleButton-root, .MuiDataGrid-columnHeaderTitle': { wordBreak: 'keep-all' },
          '.MuiAlert-action .MuiButton-root': { whiteSpace: 'nowrap' },
          // An accordion's title keeps its width beside the summary text that follows it.
          '.MuiAccordionSummary-content > .MuiTypography-subtitle1:first-of-type': { flexShrink: 0 },
          // Menu and list items fill their box: the ring goes inside, where nothing clips it.
          ':root .MuiMenuItem-root.Mui-focusVisible, :root .MuiListItemButton-root.Mui-focusVisible, :root .MuiTreeItem-root:focus-visible > .MuiTreeItem-content':
            { outlineOffset: '-2px' },
        },
      },
    },
  });
}
