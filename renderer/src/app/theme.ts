import { createTheme, type Theme } from '@mui/material/styles';

/** Fonts that exist on admins' Windows machines first, then Linux; CJK faces for zh-TW. */
const fontFamily = ['"Segoe UI"', 'Roboto', '"Noto Sans"', '"Microsoft JhengHei UI"', '"Microsoft JhengHei"', '"Noto Sans CJK TC"', '"PingFang TC"', 'sans-serif'].join(',');

export function buildTheme(mode: 'light' | 'dark'): Theme {
  return createTheme({
    palette: {
      mode,
      primary: { main: mode === 'light' ? '#0b5cad' : '#7cb4f0' },
      secondary: { main: mode === 'light' ? '#6a3fa0' : '#c3a6e8' },
    },
    typography: { fontFamily, fontSize: 14 },
    shape: { borderRadius: 6 },
    components: {
      MuiButton: { defaultProps: { disableElevation: true } },
      MuiTooltip: { defaultProps: { arrow: true } },
    },
  });
}
