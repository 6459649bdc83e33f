#!/usr/bin/env node
import 'reflect-metadata';
import { processIo } from './cli-io.js';
import { runCli } from './run-cli.js';

// The one place the CLI touches the process: argv in, exit code out. Exiting explicitly means a
// stray handle in a plugin can never keep a stopped agent alive. Output is drained first: a write
// to a pipe the reader has not emptied is queued, and process.exit() would drop it (seen as a
// `check` report cut short when its reader was slow).
const code = await runCli(process.argv.slice(2), processIo());
const drained = (stream: NodeJS.WriteStream): Promise<void> => new Promise((resolve) => stream.write('', () => resolve()));
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(code);
