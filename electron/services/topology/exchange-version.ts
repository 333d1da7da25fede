/**
 * Reads an Exchange server's version from serialNumber ("Version 14.1 (Build 218.15)") and names
 * it as admins do. Exchange 2007 is 8.x, 2010 is 14.x (14.1 = SP1), 2013 is 15.0, 2016 is 15.1.
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
  const build = match[3];
  let label: string;
  if (major === 8) label = `Exchange 2007 ${servicePack(minor)}`;
  else if (major === 14) label = `Exchange 2010 ${servicePack(minor)}`;
  else if (major === 15 && minor === 0) label = 'Exchange 2013';
  else if (major === 15 && minor === 1) label = 'Exchange 2016';
  else if (major === 15 && minor === 2) label = 'Exchange 2019';
  else label = `Exchange ${major}.${minor}`;
  return { major, minor, build, label, beforeExchange2010Sp1: major < 14 || (major === 14 && minor < 1) };
}
