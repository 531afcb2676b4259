/**
 * binary-parser 2.3 ships its ESM build as dist/esm/binary_parser.mjs next
 * to a binary_parser.d.ts, which TypeScript does not pair with an .mjs, so
 * `import { Parser } from 'binary-parser'` has no types under the "import"
 * condition. Its CommonJS build's declarations describe the same API.
 */
declare module 'binary-parser' {
  export { Parser } from 'binary-parser/dist/binary_parser.js';
}
