import { Alert, Button, LinearProgress } from '@mui/material';
import { Component, lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScreenProps, SectionId } from './navigation';
import { screenLoaders } from './screens';

/** A screen's chunk did not arrive; other errors in a screen are not this boundary's business. */
class ScreenLoadError extends Error {}

const screens = {} as Record<SectionId, ComponentType<ScreenProps>>;
for (const id of Object.keys(screenLoaders) as SectionId[]) {
  screens[id] = lazy(() =>
    screenLoaders[id]().then(
      (screen) => ({ default: screen }),
      (cause: unknown) => {
        throw new ScreenLoadError(`The ${id} screen could not be loaded`, { cause });
      },
    ),
  );
}

/** Picks the screen for the current section; its chunk loads behind a progress bar. */
export function ScreenRouter({ section, params, navigate }: ScreenProps & { section: SectionId }) {
  const Screen = screens[section];
  return (
    <ScreenLoadBoundary key={section}>
      <Suspense fallback={<LinearProgress data-testid="screen-loading" />}>
        <Screen params={params} navigate={navigate} />
      </Suspense>
    </ScreenLoadBoundary>
  );
}

/**
 * A screen whose chunk cannot be fetched (the host was restarted with a newer build, or stopped)
 * says so instead of blanking the whole console; the other screens stay usable.
 */
class ScreenLoadBoundary extends Component<{ children: ReactNode }, { error?: unknown }> {
  override state: { error?: unknown } = {};

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidCatch(error: unknown) {
    // The browser's own words (the chunk's URL) are for the developer console, not the admin.
    if (error instanceof ScreenLoadError) console.error(error, error.cause);
  }

  override render() {
    if (this.state.error === undefined) return this.props.children;
    // Any other failure goes on up, as it did before screens were loaded on demand.
    if (!(this.state.error instanceof ScreenLoadError)) throw this.state.error;
    return <ScreenLoadFailed />;
  }
}

function ScreenLoadFailed() {
  const { t } = useTranslation();
  return (
    <Alert
      severity="error"
      sx={{ m: 3 }}
      data-testid="screen-load-failed"
      action={
        <Button color="inherit" size="small" onClick={() => window.location.reload()}>
          {t('screenLoadFailed.reload')}
        </Button>
      }
    >
      {t('screenLoadFailed.message')}
    </Alert>
  );
}
