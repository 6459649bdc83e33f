import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors/agent-error.js';
import { interpolate } from './interpolate.js';
import { readConfigFile } from './read-config-file.js';

/** A config read from its file with `${env:...}`/`${file:...}` substituted, plus the directory plugin paths resolve from. @internal */
export interface RawConfig {
  readonly raw: Record<string, unknown>;
  readonly baseDir: string;
  readonly file?: string;
}

/** Reads and interpolates a config file (YAML or JSON); a ConfigError lists every problem. @internal */
export function loadRawConfig(file: string, env: Readonly<Record<string, string | undefined>> = process.env): RawConfig {
  const path = resolve(file);
  const { value, issues } = interpolate(readConfigFile(path), env);
  if (issues.length > 0) throw new ConfigError(issues);
  return { raw: value as Record<string, unknown>, baseDir: dirname(path), file: path };
}
