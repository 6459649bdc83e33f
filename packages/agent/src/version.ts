import { readFileSync } from 'node:fs';

interface Manifest {
  readonly version: string;
  readonly gitHead?: unknown;
}

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as Manifest;

/**
 * The distribution's version, read from this package's package.json (one source of truth, so a
 * tarball built by `npm pack` reports what it is).
 */
export const VERSION: string = manifest.version;

/**
 * The source revision this distribution was built from, as `rds_agent_build_info{revision}`
 * reports it. An installed package has no git to ask, so the revision travels with it:
 *
 * 1. `gitHead` in this package's package.json: npm's field for the commit a package was made from,
 *    which `npm run package` writes into the release's copy (`<commit>+changes` from a modified tree);
 * 2. else `RDS_AGENT_BUILD_COMMIT` (the variable `npm run package` takes the commit from in a tree
 *    without git), for a build made another way: a container image built from a source tree;
 * 3. else undefined: reported as `unknown` (a source checkout run as it is).
 */
export function buildRevision(env: NodeJS.ProcessEnv = process.env, packageManifest: Manifest = manifest): string | undefined {
  if (typeof packageManifest.gitHead === 'string' && packageManifest.gitHead !== '') return packageManifest.gitHead;
  const given = env['RDS_AGENT_BUILD_COMMIT']?.trim();
  return given === undefined || given === '' ? undefined : given;
}
