import {
  AppBar,
  Box,
  Drawer,
  IconButton,
  Link,
  List,
  ListItemButton,
  ListItemIcon,
  ListItemText,
  MenuItem,
  Select,
  Toolbar,
  Tooltip,
  Typography,
} from '@mui/material';
import DarkModeIcon from '@mui/icons-material/DarkMode';
import LightModeIcon from '@mui/icons-material/LightMode';
import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { languages, type Language } from '@shared/models/settings';
import { ErrorAlert } from '../components/error-alert';
import { ConnectionIndicator } from './connection-indicator';
import { useConnections } from './connections';
import { sections } from './navigation';
import { usePreferences } from './preferences';
import { useHashRoute } from './use-hash-route';
import { ScreenRouter } from './screen-router';
import { sectionOf } from './screens';

const DRAWER_WIDTH = 232;

/** The frame: app bar (connections, language, theme), left navigation, the current screen. */
export function AppShell({ effectiveMode }: { effectiveMode: 'light' | 'dark' }) {
  const { t } = useTranslation();
  const { preferences, update, error: preferencesError } = usePreferences();
  const { error: connectionsError } = useConnections();
  // Profiles, connection states or remembered preferences that could not be read or saved concern every screen.
  const frameError = connectionsError ?? preferencesError;
  const route = useHashRoute('topology');
  const current = sectionOf(route.path);
  const openSettings = () => route.navigate('settings');
  // The hash is the route, so the skip link moves focus itself instead of following "#main".
  const skipToContent = (e: MouseEvent) => {
    e.preventDefault();
    document.getElementById('main-content')?.focus();
  };

  return (
    <Box sx={{ display: 'flex', height: '100vh' }} data-testid="app-ready">
      <Link
        href="#main-content"
        onClick={skipToContent}
        data-testid="skip-link"
        sx={{
          position: 'fixed',
          left: 8,
          top: -48,
          zIndex: (theme) => theme.zIndex.tooltip + 1,
          px: 2,
          py: 1,
          bgcolor: 'background.paper',
          borderRadius: 1,
          boxShadow: 3,
          '&:focus': { top: 8 },
        }}
      >
        {t('skipToContent')}
      </Link>
      <AppBar position="fixed" sx={{ zIndex: (theme) => theme.zIndex.drawer + 1 }}>
        <Toolbar variant="dense" sx={{ gap: 2 }}>
          {/* The title keeps its width; the connections take what is left (and collapse when it is not enough). */}
          <Typography variant="h6" component="div" noWrap sx={{ flexShrink: 0 }} data-testid="app-title">
            {t('appName')}
          </Typography>
          <ConnectionIndicator onOpenSettings={openSettings} />
          <Select
            size="small"
            variant="standard"
            value={preferences.language}
            onChange={(e) => void update({ language: e.target.value as Language })}
            inputProps={{ 'aria-label': t('language.label'), 'data-testid': 'language-select' }}
            sx={{ color: 'inherit', '& .MuiSvgIcon-root': { color: 'inherit' }, minWidth: 96, flexShrink: 0 }}
            disableUnderline
          >
            {languages.map((lng) => (
              <MenuItem key={lng} value={lng} data-testid={`language-${lng}`}>
                {t(`language.${lng}`)}
              </MenuItem>
            ))}
          </Select>
          <Tooltip title={t('theme.toggle')}>
            <IconButton
              color="inherit"
              sx={{ flexShrink: 0 }}
              onClick={() => void update({ theme: effectiveMode === 'dark' ? 'light' : 'dark' })}
              data-testid="theme-toggle"
              aria-label={t('theme.toggle')}
            >
              {effectiveMode === 'dark' ? <LightModeIcon /> : <DarkModeIcon />}
            </IconButton>
          </Tooltip>
        </Toolbar>
      </AppBar>
      <Drawer variant="permanent" sx={{ width: DRAWER_WIDTH, flexShrink: 0, '& .MuiDrawer-paper': { width: DRAWER_WIDTH, boxSizing: 'border-box' } }}>
        <Toolbar variant="dense" />
        <List component="nav" aria-label={t('navigationLabel')}>
          {sections.map((s) => (
            <ListItemButton
              key={s.id}
              component="a"
              href={`#/${s.id}`}
              selected={s.id === current}
              aria-current={s.id === current ? 'page' : undefined}
              data-testid={`nav-${s.id}`}
            >
              <ListItemIcon>{s.icon}</ListItemIcon>
              <ListItemText primary={t(`nav.${s.id}`)} />
            </ListItemButton>
          ))}
        </List>
      </Drawer>
      <Box component="main" sx={{ flexGrow: 1, display: 'flex', flexDirection: 'column', minWidth: 0 }}>
        <Toolbar variant="dense" />
        {frameError && (
          <Box sx={{ px: 3 }}>
            <ErrorAlert error={frameError} testId="frame-error" />
          </Box>
        )}
        {/* The one scroll area of a screen: focusable, so keyboard users can scroll it too. */}
        <Box id="main-content" tabIndex={-1} sx={{ flexGrow: 1, minHeight: 0, overflow: 'auto', '&:focus': { outline: 'none' } }}>
          <ScreenRouter section={current} params={route.params} navigate={route.navigate} />
        </Box>
      </Box>
    </Box>
  );
}
