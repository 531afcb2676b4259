import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.js';

export default defineConfig([
  // The command: ESM only, it is run, not imported.
  {
    ...packageBuild({ main: 'src/main.ts' }),
    format: ['esm'],
    dts: false,
    clean: false,
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
  // `run` as a library (ESM + CJS + types, like every published package).
  { ...packageBuild({ index: 'src/index.ts' }), clean: false },
]);
