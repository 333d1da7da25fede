import type { ExchangeOrg, ForestTopology } from '@shared/models/topology';

/**
 * Which connected forest plays which part, decided once for the topology's findings, the
 * checklist and the gateway setup, so the three tell one story.
 *
 * Exchange UM may run in the Lync forest or in another one — an Exchange resource forest — that
 * trusts it [S27]. Either way each Exchange organisation needs a UM IP gateway per Lync pool, with
 * the Lync forest's pools and groups read from that forest (exchucutil.ps1 -Forest) [S8][S21].
 */

/** The Lync forest an Exchange forest serves: itself when it has Lync pools, else the connected forest that has them. */
export function lyncForestFor(forests: readonly ForestTopology[], exchangeForest: ForestTopology): ForestTopology | undefined {
  if ((exchangeForest.lync?.pools.length ?? 0) > 0) return exchangeForest;
  return forests.find((f) => f !== exchangeForest && (f.lync?.pools.length ?? 0) > 0);
}

/** One Exchange organisation with the forest it lives in and the Lync forest it serves. */
export interface ExchangeSide {
  forest: ForestTopology;
  org: ExchangeOrg;
  lync?: ForestTopology;
}

/** Every connected Exchange organisation, in the forests' order, each paired with its Lync forest. */
export function exchangeSides(forests: readonly ForestTopology[]): ExchangeSide[] {
  return forests.flatMap((forest) => (forest.exchange ? [{ forest, org: forest.exchange, ...withLync(lyncForestFor(forests, forest)) }] : []));
}

const withLync = (lync: ForestTopology | undefined) => (lync ? { lync } : {});

/** The forest Lync lives in (the first connected forest with pools). */
export function lyncForestOf(forests: readonly ForestTopology[]): ForestTopology | undefined {
  return forests.find((f) => (f.lync?.pools.length ?? 0) > 0);
}
