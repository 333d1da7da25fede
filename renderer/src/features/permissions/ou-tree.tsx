import { Chip, Stack, Tooltip, Typography } from '@mui/material';
import FolderIcon from '@mui/icons-material/Folder';
import LockIcon from '@mui/icons-material/Lock';
import { SimpleTreeView } from '@mui/x-tree-view/SimpleTreeView';
import { TreeItem } from '../../components/tree-item';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { OuNode, PermissionScan } from '@shared/models/permissions';

interface Branch {
  ou: OuNode;
  children: Branch[];
}

/** Nests the flat OU list by parent DN; OUs whose parent is not an OU are roots. */
export function buildOuTree(ous: OuNode[]): Branch[] {
  const byDn = new Map(ous.map((ou) => [ou.dn.toLowerCase(), { ou, children: [] as Branch[] }]));
  const roots: Branch[] = [];
  for (const branch of byDn.values()) {
    const parent = byDn.get(branch.ou.parentDn.toLowerCase());
    (parent ? parent.children : roots).push(branch);
  }
  const sort = (list: Branch[]) => list.sort((a, b) => a.ou.name.localeCompare(b.ou.name)).forEach((b) => sort(b.children));
  sort(roots);
  return roots;
}

/** The domain's OUs; a lock marks an OU that blocks inheritance, chips show a scan's result. */
export function OuTree({
  ous,
  selected,
  onSelect,
  expanded,
  onExpand,
  scan,
}: {
  ous: OuNode[];
  selected?: string;
  onSelect: (dn: string) => void;
  expanded: string[];
  onExpand: (ids: string[]) => void;
  scan?: PermissionScan;
}) {
  const tree = useMemo(() => buildOuTree(ous), [ous]);
  const statuses = useMemo(() => new Map(scan?.ous.map((o) => [o.ou.dn.toLowerCase(), o.types]) ?? []), [scan]);
  return (
    <SimpleTreeView
      expandedItems={expanded}
      onExpandedItemsChange={(_e, ids) => onExpand(ids)}
      selectedItems={selected ?? null}
      onSelectedItemsChange={(_e, id) => id && onSelect(id)}
      data-testid="ou-tree"
    >
      {tree.map((b) => (
        <OuItem key={b.ou.dn} branch={b} statuses={statuses} />
      ))}
    </SimpleTreeView>
  );
}

function OuItem({ branch, statuses }: { branch: Branch; statuses: Map<string, PermissionScan['ous'][number]['types']> }) {
  const { t } = useTranslation('permissions');
  const scanned = statuses.get(branch.ou.dn.toLowerCase()) ?? [];
  const granted = scanned.filter((s) => s.status === 'granted').map((s) => t(`types.${s.type}`));
  const partial = scanned.filter((s) => s.status === 'partial').map((s) => t(`types.${s.type}`));
  return (
    <TreeItem
      itemId={branch.ou.dn}
      data-testid={`ou-${branch.ou.path}`}
      label={
        <Stack direction="row" spacing={0.75} sx={{ alignItems: 'center', py: 0.25, minWidth: 0 }}>
          {branch.ou.protected ? (
            <LockIcon fontSize="small" color="warning" titleAccess={t('tree.protected')} />
          ) : (
            <FolderIcon fontSize="small" color="action" />
          )}
          <Typography variant="body2" noWrap sx={{ flexShrink: 0 }}>
            {branch.ou.name}
          </Typography>
          {granted.length > 0 && (
            <Tooltip title={t('tree.granted', { types: granted.join(t('listSeparator')) })}>
              <Chip size="small" color="success" label={granted.join(t('listSeparator'))} sx={{ height: 18, minWidth: 0 }} data-testid="ou-granted" />
            </Tooltip>
          )}
          {partial.length > 0 && (
            <Tooltip title={t('tree.partial', { types: partial.join(t('listSeparator')) })}>
              <Chip size="small" color="warning" variant="outlined" label={t('status.partial')} sx={{ height: 18, minWidth: 0 }} />
            </Tooltip>
          )}
        </Stack>
      }
    >
      {branch.children.map((c) => (
        <OuItem key={c.ou.dn} branch={c} statuses={statuses} />
      ))}
    </TreeItem>
  );
}
