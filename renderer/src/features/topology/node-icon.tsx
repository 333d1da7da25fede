import AccountTreeIcon from '@mui/icons-material/AccountTree';
import BusinessIcon from '@mui/icons-material/Business';
import ContactPhoneIcon from '@mui/icons-material/ContactPhone';
import DialpadIcon from '@mui/icons-material/Dialpad';
import DnsIcon from '@mui/icons-material/Dns';
import FolderIcon from '@mui/icons-material/FolderOutlined';
import ForestIcon from '@mui/icons-material/Forest';
import GroupsIcon from '@mui/icons-material/Groups';
import HubIcon from '@mui/icons-material/Hub';
import PolicyIcon from '@mui/icons-material/Policy';
import RecordVoiceOverIcon from '@mui/icons-material/RecordVoiceOver';
import RouterIcon from '@mui/icons-material/Router';
import RuleIcon from '@mui/icons-material/Rule';
import SupportAgentIcon from '@mui/icons-material/SupportAgent';
import type { SvgIconProps } from '@mui/material';
import type { ComponentType } from 'react';
import type { NodeKind, TreeNode } from './tree-model';

const icons: Record<NodeKind, ComponentType<SvgIconProps>> = {
  forest: ForestIcon,
  exchange: BusinessIcon,
  dialPlans: FolderIcon,
  dialPlan: DialpadIcon,
  gateways: FolderIcon,
  gateway: RouterIcon,
  huntGroups: FolderIcon,
  huntGroup: GroupsIcon,
  autoAttendants: FolderIcon,
  autoAttendant: SupportAgentIcon,
  policies: FolderIcon,
  policy: PolicyIcon,
  servers: FolderIcon,
  server: DnsIcon,
  lync: AccountTreeIcon,
  pools: FolderIcon,
  pool: HubIcon,
  lyncDialPlans: FolderIcon,
  lyncDialPlan: RuleIcon,
  contacts: FolderIcon,
  contact: ContactPhoneIcon,
};

/** One icon per kind of object, so the tree reads at a glance. */
export function NodeIcon({ node, ...props }: { node: TreeNode } & SvgIconProps) {
  const Icon = node.object.kind === 'contact' && node.object.value.kind === 'AA' ? RecordVoiceOverIcon : icons[node.kind];
  return <Icon fontSize="small" color={node.kind.endsWith('s') && node.object.kind === 'folder' ? 'action' : 'primary'} {...props} />;
}
