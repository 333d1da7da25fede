import { useTreeItemUtils } from '@mui/x-tree-view/hooks';
import { TreeItem as MuiTreeItem, type TreeItemProps } from '@mui/x-tree-view/TreeItem';

/**
 * MUI's TreeItem, telling assistive technology which item is selected: the tree view sets
 * `aria-selected` only for checkbox selection, so a screen reader would not hear which forest,
 * dial plan or OU the details beside the tree belong to. A group opens at once, without MUI's
 * sliding transition: what is shown in the tree ("Show in tree") is scrolled to when it is laid
 * out, and nothing below it keeps moving under the admin's pointer.
 */
export function TreeItem(props: TreeItemProps) {
  const { status } = useTreeItemUtils({ itemId: props.itemId, children: props.children });
  return (
    <MuiTreeItem
      aria-selected={status.selected}
      {...props}
      slotProps={{ ...props.slotProps, groupTransition: { timeout: 0, ...props.slotProps?.groupTransition } }}
    />
  );
}
