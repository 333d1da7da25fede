/**
 * Reads an Exchange server's version from serialNumber and names it as admins do. AD stores the
 * build + 30000 ("Version 14.1 (Build 30218.15)"; S11), cmdlets show it without ("Build 218.15"):
 * both are read. Exchange 2007 is 8.x, 2010 is 14.x (14.1 = SP1), 2013 is 15.0 [S24].
 */
export interface ExchangeVersion {
  major?: number;
  minor?: number;
  build?: string;
  label: string;
  beforeExchange2010Sp1: boolean;
}

const servicePack = (minor: number) => (minor === 0 ? 'RTM' : `SP${minor}`);

export function parseExchangeVersion(serialNumber: string | undefined): ExchangeVersion {
  const match = /Version\s+(\d+)\.(\d+)\s*(?:\(Build\s+([\d.]+)\))?/i.exec(serialNumber ?? '');
  if (!match) return { label: serialNumber ? `Unknown (${serialNumber})` : 'Unknown version', beforeExchange2010Sp1: false };
  const major = Number(match[1]);
  const minor = Number(match[2]);
  // ServerVersion.ToString(true) adds 30000 to the build for major ≥ 8 [S11].
  const [buildNumber, ...rest] = (match[3] ?? '').split('.');
  const build = match[3] === undefined ? undefined : [Number(buildNumber) >= 30000 ? String(Number(buildNumber) - 30000) : buildNumber, ...rest].join('.');
  let label: string;
  if (major === 8) label = `Exchange 2007 ${servicePack(minor)}`;
  else if (major === 14) label = `Exchange 2010 ${servicePack(minor)}`;
  else if (major === 15 && minor === 0) label = 'Exchange 2013';
  else if (major === 15 && minor === 1) label = 'Exchange 2016';
  else if (major === 15 && minor === 2) label = 'Exchange 2019';
  else label = `Exchange ${major}.${minor}`;
  return { major, minor, build, label, beforeExchange2010Sp1: major < 14 || (major === 14 && minor < 1) };
}
