import { readFileSync } from 'node:fs';

/**
 * The distribution's version, read from this package's package.json (one source of truth, so a
 * tarball built by `npm pack` reports what it is).
 */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
