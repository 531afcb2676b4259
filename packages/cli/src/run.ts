import { isDecodeError, isEncodeError } from '@wirestack/core';
import { BGP_USAGE, bgpCommand } from './bgp.js';
import { BUILD_USAGE, buildCommand } from './build.js';
import { DECODE_USAGE, decodeStream, parseDecodeArgs } from './decode.js';
import { demoCommand, DEMO_USAGE } from './demo.js';
import { type Io, OutputClosed, UsageError } from './io.js';
import { MRT_USAGE, mrtCommand } from './mrt.js';
import { ROUTE_USAGE, routeCommand } from './route.js';

export const USAGE = `wirestack: decode and build packet captures, look up routes, run BGP, read MRT

${DECODE_USAGE}

${BUILD_USAGE}

${ROUTE_USAGE}

${BGP_USAGE}

${MRT_USAGE}

${DEMO_USAGE}`;

/**
 * The command, as a function of its arguments and an Io: returns the exit
 * status. Errors become one line on stderr; a reader that goes away
 * (`| head`) ends the command quietly with status 0.
 */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'decode': {
        const { file, options } = parseDecodeArgs(rest);
        return await decodeStream(file === '-' ? io.stdin() : io.readFile(file), options, io);
      }
      case 'build':
        return await buildCommand(rest, io);
      case 'route':
        return await routeCommand(rest, io);
      case 'bgp':
        return await bgpCommand(rest, io);
      case 'mrt':
        return await mrtCommand(rest, io);
      case 'demo':
        return await demoCommand(rest, io);
      case 'help':
      case '--help':
      case '-h':
        await io.stdout(`${USAGE}\n`);
        return 0;
      case undefined:
        throw new UsageError(USAGE);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)} (decode, build, route, bgp, mrt, demo, help)`);
    }
  } catch (error) {
    if (error instanceof OutputClosed) return 0;
    if (error instanceof UsageError) {
      io.stderr(`wirestack: ${error.message}\n`);
      return error.status;
    }
    if (isDecodeError(error) || isEncodeError(error)) {
      io.stderr(`wirestack: ${error.message}\n`);
      return 1;
    }
    // File system errors (ENOENT, EACCES, EISDIR, ...) carry a code and usually the path.
    const e = error as { code?: unknown; path?: unknown; message?: unknown } | null;
    if (e !== null && typeof e === 'object' && typeof e.code === 'string' && typeof e.message === 'string') {
      io.stderr(`wirestack: ${e.path === undefined ? '' : `${String(e.path)}: `}${e.code === 'ENOENT' ? 'no such file' : e.message}\n`);
      return 1;
    }
    throw error;
  }
}
