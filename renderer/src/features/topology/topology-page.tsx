import { Accordion, AccordionDetails, AccordionSummary, Alert, Box, Button, Chip, InputAdornment, Paper, Stack, TextField, Typography } from '@mui/material';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import RefreshIcon from '@mui/icons-material/Refresh';
import SearchIcon from '@mui/icons-material/Search';
import { SimpleTreeView } from '@mui/x-tree-view/SimpleTreeView';
import { TreeItem } from '../../components/tree-item';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Topology } from '@shared/models/topology';
import { useCall, useEvent } from '../../api/api-context';
import type { ScreenProps } from '../../app/navigation';
import { ErrorAlert } from '../../components/error-alert';
import { RequireConnection } from '../../components/not-connected';
import { Page } from '../../components/page';
import { FindingCard } from './finding-card';
import { NodeDetails } from './node-details';
import { NodeIcon } from './node-icon';
import { buildTree, filterTree, findingsBelow, locate, type TreeNode } from './tree-model';

/** Forests, Lync pools and the Exchange UM objects as a tree, with the problems found in them. */
export function TopologyPage({ navigate }: ScreenProps) {
  const { t } = useTranslation('topology');
  return (
    <RequireConnection title={t('title')} testId="page-topology" navigate={navigate}>
      {({ connectedKey }) => <TopologyView connectedKey={connectedKey} navigate={navigate} />}
    </RequireConnection>
  );
}

function TopologyView({ connectedKey, navigate }: { connectedKey: string; navigate: ScreenProps['navigate'] }) {
  const { t, i18n } = useTranslation('topology');
  const [refreshing, setRefreshing] = useState(false);
  const topology = useCall('topology.get', { refresh: false }, connectedKey);
  const [filter, setFilter] = useState('');
  const [expanded, setExpanded] = useState<string[]>([]);
  const [selectedId, setSelectedId] = useState<string | null>(null);

  const refresh = async () => {
    setRefreshing(true);
    try {
      await topology.reload();
    } finally {
      setRefreshing(false);
    }
  };
  // Writes elsewhere (contacts, gateways) change what the tree shows.
  useEvent('topology.changed', () => void topology.reload());

  const tree = useMemo(() => (topology.data ? buildTree(topology.data, (kind) => t(`kinds.${kind}`)) : []), [topology.data, t]);
  const filtered = useMemo(() => filterTree(tree, filter), [tree, filter]);
  useEffect(() => {
    // First load: open each forest and its Exchange organisation and dial plans.
    if (tree.length > 0 && expanded.length === 0) {
      setExpanded(
        tree.flatMap((f) => [
          f.id,
          ...f.children.map((c) => c.id),
          ...f.children.flatMap((c) => c.children.filter((g) => g.kind === 'dialPlans' || g.kind === 'pools').map((g) => g.id)),
        ]),
      );
    }
  }, [tree, expanded.length]);
  const selected = selectedId ? locate(tree, (n) => n.id === selectedId)?.node : undefined;

  const showInTree = (dn: string) => {
    const found =
      locate(tree, (n) => n.dn?.toLowerCase() === dn.toLowerCase() && n.findings.length > 0) ?? locate(tree, (n) => n.dn?.toLowerCase() === dn.toLowerCase());
    if (!found) return;
    setFilter('');
    setExpanded((e) => [...new Set([...e, ...found.path])]);
    setSelectedId(found.node.id);
    // Scrolled to in the next frame, once the tree has mounted the folders it just opened (it does so
    // after this screen's own effects), and not on a timer that could move the page under the next click.
    requestAnimationFrame(() => document.querySelector(`[data-node-id="${CSS.escape(found.node.id)}"]`)?.scrollIntoView({ block: 'nearest' }));
  };

  const data = topology.data;
  const errors = data?.findings.filter((f) => f.severity === 'error').length ?? 0;
  const warnings = data?.findings.filter((f) => f.severity === 'warning').length ?? 0;

  return (
    <Page
      title={t('title')}
      testId="page-topology"
      loading={topology.loading || refreshing}
      actions={
        <Button startIcon={<RefreshIcon />} onClick={() => void refresh()} disabled={topology.loading} data-testid="topology-refresh">
          {t('refresh')}
        </Button>
      }
    >
      <Stack spacing={2} sx={{ height: '100%' }}>
        <ErrorAlert error={topology.error} />
        {data && <Summary topology={data} />}
        {data?.failures.map((f) => (
          <Alert key={f.profile} severity="error">
            {t('failure', { profile: f.profile, message: f.message })}
          </Alert>
        ))}
        {data && (
          // Collapsed at first (the counts are in its summary) so the tree is what the screen opens on;
          // open, it grows the page instead of scrolling inside it.
          <Accordion disableGutters variant="outlined" data-testid="findings-panel">
            <AccordionSummary expandIcon={<ExpandMoreIcon />} data-testid="findings-toggle">
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                <Typography variant="subtitle1">{t('findings.title')}</Typography>
                {errors > 0 && <Chip size="small" color="error" label={errors} />}
                {warnings > 0 && <Chip size="small" color="warning" label={warnings} />}
                <Typography variant="body2" color="text.secondary">
                  {data.findings.length === 0 ? t('findings.none') : t('findings.count', { errors, warnings })}
                </Typography>
              </Stack>
            </AccordionSummary>
            <AccordionDetails>
              <Stack spacing={1}>
                {data.findings.map((f) => (
                  <FindingCard key={f.id} finding={f} onShow={() => showInTree(f.subject.dn)} navigate={navigate} />
                ))}
              </Stack>
            </AccordionDetails>
          </Accordion>
        )}
        <Stack direction="row" spacing={2} sx={{ flexGrow: 1, minHeight: 420 }}>
          <Paper variant="outlined" sx={{ flex: 5, p: 1.5, minWidth: 0, display: 'flex', flexDirection: 'column' }}>
            <TextField
              size="small"
              placeholder={t('filter')}
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              slotProps={{
                input: {
                  startAdornment: (
                    <InputAdornment position="start">
                      <SearchIcon fontSize="small" />
                    </InputAdornment>
                  ),
                },
                htmlInput: { 'data-testid': 'topology-filter', 'aria-label': t('filter') },
              }}
              sx={{ mb: 1 }}
            />
            <Box sx={{ overflow: 'auto', flexGrow: 1 }}>
              <SimpleTreeView
                expandedItems={filter ? [...new Set([...expanded, ...filtered.expand])] : expanded}
                onExpandedItemsChange={(_e, ids) => setExpanded(ids)}
                selectedItems={selectedId}
                onSelectedItemsChange={(_e, id) => setSelectedId(id)}
                data-testid="topology-tree"
              >
                {filtered.nodes.map((n) => (
                  <TreeNodeItem key={n.id} node={n} />
                ))}
              </SimpleTreeView>
            </Box>
          </Paper>
          <Paper variant="outlined" sx={{ flex: 6, p: 2, minWidth: 0, overflow: 'auto' }}>
            {data && <NodeDetails key={selectedId ?? ''} node={selected} topology={data} navigate={navigate} />}
          </Paper>
        </Stack>
        {data && (
          <Typography variant="caption" color="text.secondary">
            {t('readAt', {
              time: new Date(data.readAt).toLocaleTimeString(i18n.language),
              forests: data.forests.length,
              roundTrips: data.stats.ldapRoundTrips,
            })}
          </Typography>
        )}
      </Stack>
    </Page>
  );
}

function Summary({ topology }: { topology: Topology }) {
  const { t } = useTranslation('topology');
  return (
    <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap', rowGap: 1 }}>
      {topology.forests.map((f) => (
        <Chip
          key={f.forest}
          variant="outlined"
          label={[
            f.forest,
            f.exchange && t('countOf', { kind: t('kinds.dialPlans'), number: f.exchange.dialPlans.length }),
            f.lync && t('countOf', { kind: t('kinds.pools'), number: f.lync.pools.length }),
          ]
            .filter(Boolean)
            .join(' · ')}
        />
      ))}
    </Stack>
  );
}

function TreeNodeItem({ node }: { node: TreeNode }) {
  const below = findingsBelow(node);
  const errors = below.filter((f) => f.severity === 'error').length;
  const warnings = below.length - errors;
  return (
    <TreeItem
      itemId={node.id}
      data-node-id={node.id}
      data-testid={`node-${node.kind}-${node.label}`}
      label={
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', py: 0.25, minWidth: 0 }}>
          <NodeIcon node={node} />
          <Typography variant="body2" noWrap sx={{ fontWeight: node.object.kind === 'folder' ? 400 : 500 }}>
            {node.label}
          </Typography>
          {node.hint && (
            <Typography variant="caption" color="text.secondary" noWrap>
              {node.hint}
            </Typography>
          )}
          {errors > 0 && <Chip size="small" color="error" label={errors} sx={{ height: 18 }} data-testid="node-badge-error" />}
          {warnings > 0 && <Chip size="small" color="warning" label={warnings} sx={{ height: 18 }} data-testid="node-badge-warning" />}
        </Stack>
      }
    >
      {node.children.map((c) => (
        <TreeNodeItem key={c.id} node={c} />
      ))}
    </TreeItem>
  );
}
