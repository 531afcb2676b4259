import type { AsPathSegment } from './messages.js';

/**
 * AS_PATH regular expressions in the Cisco/FRR style. The path is matched
 * as text, the way `show ip bgp` prints it: ASNs of an AS_SEQUENCE
 * separated by spaces, an AS_SET as `{a,b,c}`, an AS_CONFED_SEQUENCE as
 * `(a b)`, an AS_CONFED_SET as `[a,b]`, segments separated by a space, so
 * `65001 65002 {65003,65004}`; the empty path is the empty string. `_`
 * stands for a delimiter: the start or end of the text, a space, a comma or
 * a bracket (FRR's `(^|[,{}() ]|$)`, plus the square brackets of
 * confederation sets). Everything else is a JavaScript regular expression
 * without flags (an unanchored search, as in FRR: `65001` also matches
 * `165001`, so write `_65001_`).
 */

const OPEN: Readonly<Record<AsPathSegment['type'], string>> = { sequence: '', set: '{', 'confed-sequence': '(', 'confed-set': '[' };
const CLOSE: Readonly<Record<AsPathSegment['type'], string>> = { sequence: '', set: '}', 'confed-sequence': ')', 'confed-set': ']' };
const SEPARATOR: Readonly<Record<AsPathSegment['type'], string>> = { sequence: ' ', set: ',', 'confed-sequence': ' ', 'confed-set': ',' };

/** The text an AS-path regular expression is matched against (see the module comment). */
export function asPathText(segments: readonly AsPathSegment[]): string {
  let text = '';
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (i > 0) text += ' ';
    text += OPEN[s.type] + s.asns.join(SEPARATOR[s.type]) + CLOSE[s.type];
  }
  return text;
}

const DELIMITER = '(?:^|[ ,{}()[\\]]|$)';

/**
 * Compiles a Cisco/FRR-style AS-path expression: every `_` outside a
 * bracket expression (and not escaped) becomes the delimiter class. Throws
 * the SyntaxError of `RegExp` for an invalid expression.
 */
export function compileAsPathRegex(pattern: string): RegExp {
  let source = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      source += c + (pattern[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      source += c;
    } else if (c === '[') {
      inClass = true;
      source += c;
    } else source += c === '_' ? DELIMITER : c;
  }
  return new RegExp(source);
}
