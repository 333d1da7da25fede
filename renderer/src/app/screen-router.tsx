import { ChecklistPage } from '../features/checklist/checklist-page';
import { ContactsPage } from '../features/contacts/contacts-page';
import { EnablementPage } from '../features/enablement/enablement-page';
import { PermissionsPage } from '../features/permissions/permissions-page';
import { PowerShellPage } from '../features/powershell/powershell-page';
import { SettingsPage } from '../features/settings/settings-page';
import { TopologyPage } from '../features/topology/topology-page';
import type { ScreenProps, SectionId } from './navigation';

/** Picks the screen for the current section. */
export function ScreenRouter({ section, params, navigate }: ScreenProps & { section: SectionId }) {
  switch (section) {
    case 'settings':
      return <SettingsPage params={params} navigate={navigate} />;
    case 'contacts':
      return <ContactsPage params={params} navigate={navigate} />;
    case 'topology':
      return <TopologyPage params={params} navigate={navigate} />;
    case 'checklist':
      return <ChecklistPage params={params} navigate={navigate} />;
    case 'enablement':
      return <EnablementPage params={params} navigate={navigate} />;
    case 'permissions':
      return <PermissionsPage params={params} navigate={navigate} />;
    case 'powershell':
      return <PowerShellPage params={params} navigate={navigate} />;
  }
}
