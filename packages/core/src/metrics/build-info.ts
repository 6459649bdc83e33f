import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Labels } from './metric-update.js';

/** What a build-info field is when nothing could tell it. @public */
export const UNKNOWN_BUILD_VALUE = 'unknown';

/**
 * What `rds_agent_build_info` reports (value 1), in the style of node_exporter's
 * `node_exporter_build_info{version, revision, goversion}`: the distribution, the source revision it
 * was built from, the Node.js it runs on, and the installed version of every library a registered
 * transport or exporter declares (`componentVersions`), one `<package>_version` label each. An
 * operator tells which build every agent of a fleet runs from one query. The distribution knows
 * the version and revision; plugins know their libraries; core only publishes them.
 *
 * @public
 */
export interface BuildInfo {
  /** The distribution's version (`@rds-agent/agent`'s package.json). */
  readonly version: string;
  /** The source revision it was built from: a git commit, `<commit>+changes` from a modified tree. */
  readonly revision: string;
  /** The Node.js it runs on, without the `v` (`process.versions.node`). */
  readonly nodejsVersion: string;
  /** Installed versions by npm package name (`ssh2`, `prom-client`, `@opentelemetry/sdk-metrics`). */
  readonly components: Readonly<Record<string, string>>;
}

/** What a distribution or test knows of a {@link BuildInfo}; {@link completeBuildInfo} fills the rest. @public */
export interface BuildInfoInput {
  /** The distribution's version. */
  readonly version: string;
  /** The source revision it was built from. @default unknown */
  readonly revision?: string | undefined;
  /** @default process.versions.node */
  readonly nodejsVersion?: string | undefined;
  /** A version that is undefined or empty is reported as {@link UNKNOWN_BUILD_VALUE}. */
  readonly components?: Readonly<Record<string, string | undefined>>;
}

/**
 * A complete {@link BuildInfo}: Node's version from the running process, anything else not known
 * (undefined or empty) is {@link UNKNOWN_BUILD_VALUE}.
 *
 * @public
 */
export function completeBuildInfo(info: BuildInfoInput): BuildInfo {
  const components: Record<string, string> = {};
  for (const [name, version] of Object.entries(info.components ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) components[name] = known(version);
  return {
    version: known(info.version),
    revision: known(info.revision),
    nodejsVersion: known(info.nodejsVersion, process.versions.node),
    components,
  };
}

/**
 * The label a component's version is reported under: the package name without its scope's `@`,
 * every run of other characters as `_`, lower case, then `_version`
 * (`@opentelemetry/sdk-metrics` -> `opentelemetry_sdk_metrics_version`).
 *
 * @public
 */
export function componentVersionLabel(packageName: string): string {
  const stem = packageName.replace(/^@/, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  // A label cannot start with a digit (`3d-lib` -> `_3d_lib_version`).
  return `${/^[0-9]/.test(stem) ? '_' : ''}${stem}_version`;
}

/** The labels `rds_agent_build_info` always has, before the components' (in this order). */
export const BUILD_INFO_BASE_LABELS = ['version', 'revision', 'nodejs_version'] as const;

/** The component labels of `rds_agent_build_info` for these package names: sorted, once each, never a base label. @internal */
export function buildInfoComponentLabels(packageNames: readonly string[]): string[] {
  const base: readonly string[] = BUILD_INFO_BASE_LABELS;
  return [...new Set(packageNames.map(componentVersionLabel))].filter((l) => !base.includes(l)).sort();
}

/** The labels of `rds_agent_build_info` for `info` (base labels, then the components' sorted). @internal */
export function buildInfoLabels(info: BuildInfo): Labels {
  const labels: Record<string, string> = { version: info.version, revision: info.revision, nodejs_version: info.nodejsVersion };
  for (const [name, version] of Object.entries(info.components)) {
    const label = componentVersionLabel(name);
    if ((BUILD_INFO_BASE_LABELS as readonly string[]).includes(label)) continue; // a package called `nodejs` does not replace the runtime's version
    // Two packages that map to one label (`a-b`, `a_b`): both versions, so neither is hidden.
    labels[label] = labels[label] === undefined ? version : `${labels[label]},${version}`;
  }
  return labels;
}

/**
 * The version of `packageName` as Node would load it from the module at `fromUrl` (a plugin passes
 * `import.meta.url`): the `package.json` found on that module's `node_modules` lookup path, so a
 * plugin reports the copy it really uses, and a package whose `exports` hide its package.json is
 * found all the same. Undefined when it is not installed there.
 *
 * @public
 */
export function installedPackageVersion(packageName: string, fromUrl: string | URL): string | undefined {
  const lookup = createRequire(fromUrl).resolve.paths(packageName) ?? [];
  for (const dir of lookup) {
    const manifest = join(dir, packageName, 'package.json');
    if (!existsSync(manifest)) continue;
    try {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown; version?: unknown };
      if (parsed.name === packageName && typeof parsed.version === 'string') return parsed.version;
    } catch {
      // An unreadable manifest: Node could not load the package from here either; look further up.
    }
  }
  return undefined;
}

function known(value: string | undefined, fallback = UNKNOWN_BUILD_VALUE): string {
  return value === undefined || value === '' ? fallback : value;
}
