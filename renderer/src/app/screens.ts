import type { ComponentType } from 'react';
import type { ScreenProps, SectionId } from './navigation';

/**
 * Each screen is its own chunk, fetched when first shown, so the first screen does not wait for
 * the code of the others (the bulk enablement and PowerShell grids, the permissions editor).
 * Calling a loader twice costs nothing: the browser keeps the module. This file stays free of
 * React and MUI so that the boot can use it before they have loaded.
 */
export const screenLoaders: Record<SectionId, () => Promise<ComponentType<ScreenProps>>> = {
  topology: () => import('../features/topology/topology-page').then((m) => m.TopologyPage),
  contacts: () => import('../features/contacts/contacts-page').then((m) => m.ContactsPage),
  permissions: () => import('../features/permissions/permissions-page').then((m) => m.PermissionsPage),
  enablement: () => import('../features/enablement/enablement-page').then((m) => m.EnablementPage),
  plans: () => import('../features/plans/plans-page').then((m) => m.PlansPage),
  checklist: () => import('../features/checklist/checklist-page').then((m) => m.ChecklistPage),
  powershell: () => import('../features/powershell/powershell-page').then((m) => m.PowerShellPage),
  settings: () => import('../features/settings/settings-page').then((m) => m.SettingsPage),
};

/** The screen a route path names; the topology, where an admin starts, when it names none. */
export function sectionOf(path: string): SectionId {
  return Object.hasOwn(screenLoaders, path) ? (path as SectionId) : 'topology';
}

/**
 * Starts fetching a screen's chunk; the boot calls it for the screen in the URL before it waits
 * for the host, so the two overlap. A failure shows when the screen renders.
 */
export function preloadScreen(section: SectionId): void {
  screenLoaders[section]().catch(() => undefined);
}
