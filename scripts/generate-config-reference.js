// Writes docs/configuration.md from the config schemas of core and the built-in plugins.
// `npm run docs:config`; test/integration/config-reference.test.ts fails when the file is stale.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinConfigReference } from '../test/dist/support/config-reference.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'configuration.md');
writeFileSync(out, await builtinConfigReference());
console.log(`wrote ${out}`);
