import { AppBar, Box, Drawer, IconButton, List, ListItemButton, ListItemIcon, ListItemText, MenuItem, Select, Toolbar, Tooltip, Typography } from '@mui/material';
import DarkModeIcon from '@mui/icons-material/DarkMode';
import LightModeIcon from '@mui/icons-material/LightMode';
import { useTranslation } from 'react-i18next';
import { languages, type Language } from '@shared/models/settings';
import { ConnectionIndicator } from './connection-indicator';
import { isSectionId, sections, type SectionId } from './navigation';
import { usePreferences } from './preferences';
import { useHashRoute } from './use-hash-route';
import { ScreenRouter } from './screen-router';

const DRAWER_WIDTH = 232;

/** The frame: app bar (connections, language, theme), left navigation, the current screen. */
export function AppShell({ effectiveMode }: { effectiveMode: 'light' | 'dark' }) {
  const { t } = useTranslation();
  const { preferences, update } = usePreferences();
  const route = useHashRoute('topology');
  const current: SectionId = isSectionId(route.path) ? route.path : 'topology';
  const openSettings = () => route.navigate('settings');

  return (
    <Box sx={{ display: 'flex', height: '100vh' }} data-testid="app-ready">
      <AppBar position="fixed" sx={{ zIndex: (theme) => theme.zIndex.drawer + 1 }}>
        <Toolbar variant="dense" sx={{ gap: 2 }}>
          <Typography variant="h6" component="div" noWrap sx={{ flexGrow: 1 }} data-testid="app-title">
            {t('appName')}
          </Typography>
          <ConnectionIndicator onOpenSettings={openSettings} />
          <Select
            size="small"
            variant="standard"
            value={preferences.language}
            onChange={(e) => void update({ language: e.target.value as Language })}
            inputProps={{ 'aria-label': t('language.label'), 'data-testid': 'language-select' }}
            sx={{ color: 'inherit', '& .MuiSvgIcon-root': { color: 'inherit' }, minWidth: 96 }}
            disableUnderline
          >
            {languages.map((lng) => (
              <MenuItem key={lng} value={lng} data-testid={`language-${lng}`}>
                {t(`language.${lng}`)}
              </MenuItem>
            ))}
          </Select>
          <Tooltip title={t('theme.toggle')}>
            <IconButton color="inherit" onClick={() => void update({ theme: effectiveMode === 'dark' ? 'light' : 'dark' })} data-testid="theme-toggle" aria-label={t('theme.toggle')}>
              {effectiveMode === 'dark' ? <LightModeIcon /> : <DarkModeIcon />}
            </IconButton>
          </Tooltip>
        </Toolbar>
      </AppBar>
      <Drawer variant="permanent" sx={{ width: DRAWER_WIDTH, flexShrink: 0, '& .MuiDrawer-paper': { width: DRAWER_WIDTH, boxSizing: 'border-box' } }}>
        <Toolbar variant="dense" />
        <List component="nav" aria-label="main">
          {sections.map((s) => (
            <ListItemButton key={s.id} selected={s.id === current} onClick={() => route.navigate(s.id)} data-testid={`nav-${s.id}`}>
              <ListItemIcon>{s.icon}</ListItemIcon>
              <ListItemText primary={t(`nav.${s.id}`)} />
            </ListItemButton>
          ))}
        </List>
      </Drawer>
      <Box component="main" sx={{ flexGrow: 1, display: 'flex', flexDirection: 'column', minWidth: 0 }}>
        <Toolbar variant="dense" />
        <Box sx={{ flexGrow: 1, minHeight: 0, overflow: 'auto' }}>
          <ScreenRouter section={current} params={route.params} navigate={route.navigate} />
        </Box>
      </Box>
    </Box>
  );
}
