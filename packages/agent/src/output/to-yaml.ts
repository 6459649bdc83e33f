/**
 * Serialises plain JSON data (what a validated config is) as block-style YAML. Strings are always
 * double-quoted (JSON string syntax is valid YAML), so no value can be misread as another type:
 * `"no"`, `"0755"` and `"1e3"` stay strings when the output is fed back as a config.
 */
export function toYaml(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return `${pad}[]\n`;
    return value
      .map((item) => {
        if (isComposite(item) && !isEmpty(item)) {
          const body = toYaml(item, indent + 2);
          return `${pad}- ${body.slice(indent + 2)}`;
        }
        return `${pad}- ${scalar(item)}\n`;
      })
      .join('');
  }
  if (isRecord(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return `${pad}{}\n`;
    return entries
      .map(([k, v]) => {
        const key = /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k) ? k : JSON.stringify(k);
        if (isComposite(v) && !isEmpty(v)) return `${pad}${key}:\n${toYaml(v, indent + 2)}`;
        return `${pad}${key}: ${scalar(v)}\n`;
      })
      .join('');
  }
  return `${pad}${scalar(value)}\n`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isComposite(v: unknown): boolean {
  return typeof v === 'object' && v !== null;
}

function isEmpty(v: unknown): boolean {
  return Array.isArray(v) ? v.length === 0 : isRecord(v) && Object.keys(v).length === 0;
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return '[]';
  if (isRecord(v)) return '{}';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}
