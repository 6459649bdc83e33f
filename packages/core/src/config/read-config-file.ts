import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import YAML from 'yaml';
import { ConfigError } from '../errors/agent-error.js';

/** Reads a YAML (`.yaml`/`.yml`) or JSON config file into a plain object; errors name the file and the line. @internal */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([{ key: '(file)', message: `cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }]);
  }
  const ext = extname(path).toLowerCase();
  let parsed: unknown;
  try {
    if (ext === '.json') {
      parsed = JSON.parse(text);
    } else {
      const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
      if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('; '));
      parsed = doc.toJS();
    }
  } catch (err) {
    throw new ConfigError([{ key: '(file)', message: `${path} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}` }]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError([{ key: '(file)', message: `${path} must contain a mapping of settings at the top level` }]);
  }
  return parsed as Record<string, unknown>;
}
