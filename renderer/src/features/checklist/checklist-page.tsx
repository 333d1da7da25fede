import { Box, Tab, Tabs } from '@mui/material';
import { useTranslation } from 'react-i18next';
import { readGatewayPrefill } from '@shared/routes/fix-routes';
import type { ScreenProps } from '../../app/navigation';
import { RequireConnection } from '../../components/not-connected';
import { Page } from '../../components/page';
import { ChecklistView } from './checklist-view';
import { GatewaySetupView } from '../gateways';

/** The integration checklist, with gateway setup (features/gateways) opened beside it as a tab (the checklist's fixes link there). */
export function ChecklistPage({ navigate, params }: ScreenProps) {
  const { t } = useTranslation('checklist-page');
  const tab = params.get('view') === 'gateways' ? 'gateways' : 'checklist';
  return (
    <RequireConnection title={t('title')} testId="page-checklist" navigate={navigate}>
      {({ connectedKey: key }) => (
        <Page title={t('title')} testId="page-checklist">
          <Tabs
            value={tab}
            onChange={(_e, v: string) => navigate('checklist', v === 'gateways' ? { view: 'gateways' } : {})}
            sx={{ mb: 2, borderBottom: 1, borderColor: 'divider' }}
          >
            <Tab value="checklist" label={t('tabs.checklist')} data-testid="tab-checklist" />
            <Tab value="gateways" label={t('tabs.gateways')} data-testid="tab-gateways" />
          </Tabs>
          <Box>
            {tab === 'checklist' ? (
              <ChecklistView key={key} connectedKey={key} navigate={navigate} />
            ) : (
              <GatewaySetupView key={`${key}|${params.get('exchangeForest') ?? ''}|${params.get('lyncForest') ?? ''}`} prefill={readGatewayPrefill(params)} />
            )}
          </Box>
        </Page>
      )}
    </RequireConnection>
  );
}
