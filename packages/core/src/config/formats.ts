import convict from 'convict';
import { parseDuration } from './duration.js';

/**
 * Custom convict formats shared by core and every plugin's schema fragment. Convict's own `Number`
 * accepts NaN and its `Boolean` turns `'no'` into true; these never do. Each validator throws a
 * message saying what was expected; convict adds the key and the value.
 */

/** What a duration setting accepts, as error messages say it. */
export const DURATION_EXPECTED = 'a duration: milliseconds (a whole number) or a string such as "500ms", "5s", "1m30s", "2h"';

/** Convict appends ": value was <value>" itself (the loader adds it where convict leaves it out). */
function fail(expected: string, _value: unknown): never {
  throw new Error(`must be ${expected}`);
}

const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Strings from env vars and flags are coerced; values from files must already have the right type. */
function numberFromString(v: string): number | string {
  const t = v.trim();
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : v;
}

const FORMATS: convict.Format[] = [
  {
    name: 'duration',
    validate(value: unknown) {
      if (parseDuration(value) === undefined || typeof value === 'string') fail(DURATION_EXPECTED, value);
    },
    coerce: (v: string) => parseDuration(v) ?? v,
  },
  {
    // Replaces convict's own `port`, which reads strings with parseInt ("2e3" -> 2, "1e400ms" -> 1).
    name: 'port',
    validate(value: unknown) {
      if (!(Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65535)) fail('a port number from 0 to 65535', value);
    },
    coerce: (v: string) => (/^\s*\d{1,5}\s*$/.test(v) ? Number(v) : v),
  },
  {
    name: 'positive-int',
    validate(value: unknown) {
      if (!(Number.isInteger(value) && (value as number) > 0)) fail('a whole number greater than 0', value);
    },
    coerce: (v: string) => (/^\s*\d{1,15}\s*$/.test(v) ? Number(v) : v),
  },
  {
    name: 'ratio',
    validate(value: unknown) {
      if (!(isFiniteNumber(value) && value >= 0 && value <= 1)) fail('a number from 0 to 1', value);
    },
    coerce: numberFromString,
  },
  {
    name: 'positive-number',
    validate(value: unknown) {
      if (!(isFiniteNumber(value) && value > 0)) fail('a number greater than 0', value);
    },
    coerce: numberFromString,
  },
  {
    name: 'non-negative-number',
    validate(value: unknown) {
      if (!(isFiniteNumber(value) && value >= 0)) fail('a number of 0 or more', value);
    },
    coerce: numberFromString,
  },
  {
    name: 'strict-boolean',
    validate(value: unknown) {
      if (typeof value !== 'boolean') fail('true or false', value);
    },
    coerce(v: string) {
      const t = v.trim().toLowerCase();
      return t === 'true' ? true : t === 'false' ? false : v;
    },
  },
  {
    name: 'host',
    validate(value: unknown) {
      if (typeof value !== 'string' || !/^[A-Za-z0-9.:_%[\]-]+$/.test(value)) fail('a host name or IP address', value);
    },
  },
  {
    name: 'file-path',
    validate(value: unknown) {
      if (value === null) return;
      if (typeof value !== 'string' || value.trim() === '' || value.includes('\0')) fail('a file path', value);
    },
  },
  {
    name: 'string-list',
    validate(value: unknown) {
      if (!Array.isArray(value) || !value.every((x) => typeof x === 'string')) fail('a list of strings', value);
    },
    coerce: (v: string) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
  },
  {
    name: 'string-map',
    validate(value: unknown) {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((x) => typeof x === 'string')) {
        fail('a map of names to strings', value);
      }
    },
    coerce(v: string) {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        return v;
      }
    },
  },
  {
    name: 'url',
    validate(value: unknown) {
      if (typeof value !== 'string') fail('a URL', value);
      try {
        new URL(value as string);
      } catch {
        fail('an absolute URL such as http://127.0.0.1:4318/v1/metrics', value);
      }
    },
  },
];

let registered = false;

/** Registers the agent's formats with convict (idempotent). The config loader calls it. @internal */
export function registerConfigFormats(): void {
  if (registered) return;
  registered = true;
  for (const f of FORMATS) convict.addFormat(f);
}
