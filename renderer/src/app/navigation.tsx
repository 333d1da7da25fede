import AccountTreeIcon from '@mui/icons-material/AccountTree';
import AssignmentTurnedInIcon from '@mui/icons-material/AssignmentTurnedIn';
import ChecklistIcon from '@mui/icons-material/Checklist';
import ContactPhoneIcon from '@mui/icons-material/ContactPhone';
import GroupAddIcon from '@mui/icons-material/GroupAdd';
import SecurityIcon from '@mui/icons-material/Security';
import SettingsIcon from '@mui/icons-material/Settings';
import TerminalIcon from '@mui/icons-material/Terminal';
import type { ReactElement } from 'react';

export type SectionId = 'topology' | 'contacts' | 'permissions' | 'enablement' | 'plans' | 'checklist' | 'powershell' | 'settings';

/** The left navigation, in the order an admin works through an integration. */
export const sections: Array<{ id: SectionId; icon: ReactElement }> = [
  { id: 'topology', icon: <AccountTreeIcon /> },
  { id: 'contacts', icon: <ContactPhoneIcon /> },
  { id: 'permissions', icon: <SecurityIcon /> },
  { id: 'enablement', icon: <GroupAddIcon /> },
  { id: 'plans', icon: <AssignmentTurnedInIcon /> },
  { id: 'checklist', icon: <ChecklistIcon /> },
  { id: 'powershell', icon: <TerminalIcon /> },
  { id: 'settings', icon: <SettingsIcon /> },
];

/** What every screen gets from the router: the URL's parameters and a way to go elsewhere. */
export interface ScreenProps {
  params: URLSearchParams;
  navigate: (path: string, params?: Record<string, string>) => void;
}
