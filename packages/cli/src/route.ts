import { Rib, isRouteError, loadRoutes, routeGetLine } from '@wirestack/routing';
import { parseArgs } from './args.js';
import { type Io, UsageError } from './io.js';

export const ROUTE_USAGE = `usage: wirestack route get --table FILE ADDR...
  Loads an \`ip route show\` listing and answers like \`ip route get ADDR\`.`;

export async function routeCommand(argv: readonly string[], io: Io): Promise<number> {
  if (argv[0] !== 'get') throw new UsageError(ROUTE_USAGE);
  const a = parseArgs(argv.slice(1), { flags: [], valued: ['--table'] });
  const table = a.values.get('--table')?.at(-1);
  if (table === undefined || a.positional.length === 0) throw new UsageError(ROUTE_USAGE);
  const rib = new Rib();
  try {
    loadRoutes(rib, await io.readTextFile(table));
  } catch (error) {
    if (isRouteError(error)) throw new UsageError(`${table}${error.line === undefined ? '' : `:${error.line}`}: ${error.message}`, 1);
    throw error;
  }
  let status = 0;
  let out = '';
  for (const address of a.positional) {
    const line = routeGetLine(rib, address);
    if (line.startsWith('Error:') || line.startsWith('RTNETLINK')) status = 1;
    out += `${line}\n`;
  }
  await io.stdout(out);
  return status;
}
