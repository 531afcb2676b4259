import { UsageError } from './io.js';

/** Parsed options: flags and repeated values by name, positional arguments in order. */
export interface Parsed {
  readonly flags: Set<string>;
  readonly values: Map<string, string[]>;
  readonly positional: string[];
}

/**
 * A small getopt: `valued` names the options that take a value
 * (`--vxlan-port 9527`, `--vxlan-port=9527`, `-c 5`); `flags` those that
 * do not. `-` alone and everything after `--` are positional.
 */
export function parseArgs(argv: readonly string[], spec: { flags: readonly string[]; valued: readonly string[] }): Parsed {
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-' || !a.startsWith('-')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (spec.flags.includes(name)) {
      if (eq >= 0) throw new UsageError(`option ${name} takes no value`);
      flags.add(name);
    } else if (spec.valued.includes(name)) {
      let value: string | undefined;
      if (eq >= 0) value = a.slice(eq + 1);
      else value = argv[++i];
      if (value === undefined) throw new UsageError(`option ${name} needs a value`);
      const list = values.get(name) ?? [];
      list.push(value);
      values.set(name, list);
    } else {
      throw new UsageError(`unknown option ${name}`);
    }
  }
  return { flags, values, positional };
}

/** An integer option in [min, max], or UsageError naming it. */
export function intOption(name: string, text: string, min: number, max: number): number {
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(text)) throw new UsageError(`${name}: ${JSON.stringify(text)} is not a number`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`${name}: ${n} is not in ${min}..${max}`);
  return n;
}
