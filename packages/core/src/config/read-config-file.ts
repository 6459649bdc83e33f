import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import YAML from 'yaml';
import { ConfigError } from '../errors/agent-error.js';

/** Deeper than this is not a config but an attack or an accident; parsers recurse per level. @internal */
export const MAX_CONFIG_DEPTH = 32;
/** A config file larger than this is refused before parsing. @internal */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/**
 * Reads a YAML (`.yaml`/`.yml`) or JSON config file into a plain object; errors name the file and
 * the line. Hostile input is refused with a clear issue, never a crash: files over
 * {@link MAX_CONFIG_BYTES}, flow collections nested deeper than {@link MAX_CONFIG_DEPTH} (found by a
 * linear scan before the parser recurses into them), YAML aliases that refer to themselves or expand
 * without bound, and trees deeper than {@link MAX_CONFIG_DEPTH} after parsing.
 *
 * @internal
 */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw fileIssue(`cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (text.length > MAX_CONFIG_BYTES) throw fileIssue(`${path} is larger than ${MAX_CONFIG_BYTES} bytes: not a config file`);
  const json = extname(path).toLowerCase() === '.json';
  const flowDepth = maxFlowDepth(text);
  if (flowDepth > MAX_CONFIG_DEPTH) throw fileIssue(`${path} nests lists or mappings ${flowDepth} levels deep; at most ${MAX_CONFIG_DEPTH} are allowed`);
  let parsed: unknown;
  try {
    if (json) {
      parsed = JSON.parse(text);
    } else {
      const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
      if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('; '));
      // An alias may expand to at most 50 nodes' worth of copies ("billion laughs" stays small).
      parsed = doc.toJS({ maxAliasCount: 50 });
    }
  } catch (err) {
    const message = err instanceof RangeError ? 'it nests too deeply to parse' : (err as Error).message;
    throw fileIssue(`${path} is not valid ${json ? 'JSON' : 'YAML'}: ${message}`);
  }
  const shape = checkTree(parsed);
  if (shape) throw fileIssue(`${path}: ${shape}`);
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw fileIssue(`${path} must contain a mapping of settings at the top level`);
  return parsed as Record<string, unknown>;
}

function fileIssue(message: string): ConfigError {
  return new ConfigError([{ key: '(file)', message }]);
}

/**
 * The deepest nesting of `[`/`{` outside quoted strings and comments: one linear pass, so a line of
 * 5,000 brackets is refused before a recursive parser overflows its stack on it.
 */
function maxFlowDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let quote: '"' | "'" | undefined;
  let comment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (comment) {
      if (c === '\n') comment = false;
      continue;
    }
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) comment = true;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return max;
}

/** Why a parsed tree is not a config (a cycle from a self-referring alias, or too deep), or undefined. */
function checkTree(root: unknown): string | undefined {
  const ancestors = new Set<object>();
  const visit = (node: unknown, path: string, depth: number): string | undefined => {
    if (node === null || typeof node !== 'object') return undefined;
    if (ancestors.has(node)) return `a YAML alias refers to the node that contains it (recursive structure) at ${path || '(top level)'}`;
    if (depth > MAX_CONFIG_DEPTH) return `nests deeper than ${MAX_CONFIG_DEPTH} levels at ${path}`;
    ancestors.add(node);
    try {
      const entries: [string, unknown][] = Array.isArray(node) ? node.map((v, i) => [`[${i}]`, v]) : Object.entries(node).map(([k, v]) => [path ? `.${k}` : k, v]);
      for (const [step, child] of entries) {
        const found = visit(child, `${path}${step}`, depth + 1);
        if (found) return found;
      }
      return undefined;
    } finally {
      ancestors.delete(node);
    }
  };
  return visit(root, '', 0);
}
