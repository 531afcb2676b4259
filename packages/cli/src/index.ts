/**
 * The command as a library: `run(argv, io)` is what the `wirestack` binary
 * calls (with an Io bound to the process), so scripts and tests can run
 * commands in-process with their own Io.
 */
export { run, USAGE } from './run.js';
export { type Io, OutputClosed, UsageError } from './io.js';
export { demoCapture } from './demo.js';
