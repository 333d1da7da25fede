import { Box, Stack, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { LoadingBar } from './loading-bar';

/**
 * The common frame of every screen: a title, optional actions on the right, then the content.
 * `loading` shows a bar under the title, laid over the gap below it so that it takes no room.
 */
export function Page({
  title,
  actions,
  children,
  testId,
  loading,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  testId: string;
  loading?: boolean;
}) {
  return (
    <Box data-testid={testId} sx={{ p: 3, height: '100%', boxSizing: 'border-box', display: 'flex', flexDirection: 'column', minHeight: 0, minWidth: 0 }}>
      <Stack direction="row" sx={{ alignItems: 'center', mb: 2, gap: 1, flexWrap: 'wrap', position: 'relative' }}>
        <Typography variant="h5" component="h1" sx={{ flexGrow: 1 }}>
          {title}
        </Typography>
        {actions}
        {loading !== undefined && <LoadingBar loading={loading} sx={{ position: 'absolute', left: 0, right: 0, bottom: -10 }} />}
      </Stack>
      <Box sx={{ flexGrow: 1, minHeight: 0, minWidth: 0 }}>{children}</Box>
    </Box>
  );
}
