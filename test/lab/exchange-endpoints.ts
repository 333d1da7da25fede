import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labRoot } from './lab-config';

/**
 * The lab's Exchange remote PowerShell endpoints and their realistic mode. Each console session
 * names the server it stands in for (Connect-UmLab -ExchangeServer); the lab module reads this
 * directory at run time, so nothing here changes the seed (lab.ts leaves this file out of the
 * seed version).
 *
 * - `realistic.json`: off when missing. Per-cmdlet latency, and the default throttling policy's
 *   remote PowerShell budgets the lab imitates: PowerShellMaxConcurrency (sessions per user) and
 *   PowerShellMaxCmdlets per PowerShellMaxCmdletsTimePeriod [S44]; Exchange 2013 on-premises ships
 *   18 concurrent sessions and no cmdlet limit [S45].
 * - `<server>/down`: the server does not answer (its sessions fail, new ones are refused).
 * - `<server>/<user>/<pid>.session`, `<server>/<user>.cmdlets`: the budgets' state, shared by the
 *   lab module's separate pwsh processes (UmLab parts/Exchange.Throttling.ps1).
 */
export const exchangeEndpointsDirectory = join(labRoot, 'exchange-endpoints');
const realisticFile = join(exchangeEndpointsDirectory, 'realistic.json');

/** The Exchange 2013 Client Access servers whose remote PowerShell the lab stands in for. */
export const exchangeServers = ['ex15.contoso.test', 'ex15b.contoso.test'];

export interface RealisticMode {
  /** Milliseconds each named cmdlet takes, as on a real server (e.g. Enable-UMMailbox ≈ 1 s). */
  latencyMs: Record<string, number>;
  /** PowerShellMaxConcurrency: sessions one user may have open on one server at once [S44]. */
  sessions?: number;
  /** PowerShellMaxCmdlets per PowerShellMaxCmdletsTimePeriod seconds, per user and server [S44]. */
  cmdlets?: { count: number; periodSeconds: number };
}

const usage =
  'Usage: lab realistic [--latency Cmdlet=ms[,Cmdlet=ms…]] [--sessions N] [--cmdlets N/Tseconds] | lab realistic off | lab exchange down|up <server>';

/** `lab realistic …`: writes realistic.json (or removes it with `off`), and prints what is in force. */
export function realisticCommand(args: string[]): void {
  mkdirSync(exchangeEndpointsDirectory, { recursive: true });
  if (args[0] === 'off') {
    rmSync(realisticFile, { force: true });
    process.stdout.write('realistic mode off\n');
    return;
  }
  const mode: RealisticMode = { latencyMs: {} };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value = ''] = [args[i], args[i + 1]];
    if (flag === '--latency') {
      for (const part of value.split(',')) {
        const match = /^([A-Za-z]+-[A-Za-z]+)=(\d{1,6})$/.exec(part);
        if (!match) throw new Error(`--latency takes Cmdlet=milliseconds, e.g. Enable-UMMailbox=500; got "${part}". ${usage}`);
        mode.latencyMs[match[1]!] = Number(match[2]);
      }
    } else if (flag === '--sessions' && /^\d{1,3}$/.test(value) && Number(value) >= 1) {
      mode.sessions = Number(value);
    } else if (flag === '--cmdlets' && /^\d{1,6}\/\d{1,5}$/.test(value) && !value.startsWith('0')) {
      const [count, periodSeconds] = value.split('/').map(Number) as [number, number];
      if (periodSeconds < 1) throw new Error(`--cmdlets needs a period of at least 1 second. ${usage}`);
      mode.cmdlets = { count, periodSeconds };
    } else {
      throw new Error(`Unknown or invalid option: ${flag} ${value}. ${usage}`);
    }
  }
  writeFileSync(realisticFile, `${JSON.stringify(mode, null, 2)}\n`);
  process.stdout.write(`realistic mode on: ${JSON.stringify(mode)}\n`);
}

/** `lab exchange down|up <server>`: one endpoint stops answering, or answers again. */
export function exchangeCommand(args: string[]): void {
  const [action, server] = args;
  if ((action !== 'down' && action !== 'up') || !server || !exchangeServers.includes(server))
    throw new Error(`${usage}; servers: ${exchangeServers.join(', ')}`);
  const marker = join(exchangeEndpointsDirectory, server, 'down');
  mkdirSync(join(exchangeEndpointsDirectory, server), { recursive: true });
  if (action === 'down') writeFileSync(marker, new Date().toISOString());
  else rmSync(marker, { force: true });
  process.stdout.write(`${server} ${action}\n`);
}

/** `reset`: realistic mode off, every endpoint up, the cmdlet budgets empty; live sessions keep their slots. */
export function resetExchangeEndpoints(): void {
  mkdirSync(exchangeEndpointsDirectory, { recursive: true });
  rmSync(realisticFile, { force: true });
  for (const server of exchangeServers) {
    rmSync(join(exchangeEndpointsDirectory, server, 'down'), { force: true });
    const dir = join(exchangeEndpointsDirectory, server);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir)) if (entry.endsWith('.cmdlets')) rmSync(join(dir, entry), { force: true });
  }
}
