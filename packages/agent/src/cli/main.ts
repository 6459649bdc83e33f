#!/usr/bin/env node
import 'reflect-metadata';
import { processIo } from './cli-io.js';
import { runCli } from './run-cli.js';

// The one place the CLI touches the process: argv in, exit code out. Exiting explicitly means a
// stray handle in a plugin can never keep a stopped agent alive (stdout/stderr are synchronous
// for files and pipes on Linux, so nothing printed is lost).
const code = await runCli(process.argv.slice(2), processIo());
process.exit(code);
