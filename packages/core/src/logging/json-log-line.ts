/** A line quoted in an error is cut here: enough to find it in the output, bounded for huge lines. */
const QUOTED_LINE_MAX = 2000;

/**
 * Thrown by {@link parseJsonLogLine} for a line that is not one JSON object with each key once.
 *
 * @public
 */
export class LogLineError extends Error {
  constructor(
    message: string,
    /** The offending line, as written. */
    readonly line: string,
    /** The dotted path of the key found twice (`target`, `err.code`); absent when the line is not an object. */
    readonly key?: string,
  ) {
    super(message);
    this.name = 'LogLineError';
  }
}

/**
 * Parses one JSON log line and rejects a key that appears twice in one object, at any depth.
 * `JSON.parse` silently keeps the last of two equal keys, and so do most log shippers: an
 * operator's filter on the first value then misses the line. Tests run every line an agent
 * writes through this.
 *
 * Throws {@link LogLineError} (naming the key and quoting the line) for a duplicate key or a line
 * that is not a JSON object; JSON.parse's SyntaxError for a line that is not JSON at all.
 *
 * @public
 */
export function parseJsonLogLine(line: string): Record<string, unknown> {
  const value: unknown = JSON.parse(line);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LogLineError(`log line is not a JSON object: ${quote(line)}`, line);
  }
  const duplicate = firstDuplicateKey(line);
  if (duplicate !== undefined) throw new LogLineError(`log line has the key ${JSON.stringify(duplicate)} twice: ${quote(line)}`, line, duplicate);
  return value as Record<string, unknown>;
}

/**
 * The dotted path of the first key repeated within one object of `text`, which MUST be valid JSON
 * (checked by JSON.parse first, so the scan needs no error handling). One pass, no reviver.
 */
function firstDuplicateKey(text: string): string | undefined {
  // One frame per open container: the keys seen so far (objects) or null (arrays), and the path to it.
  const frames: { keys: Set<string> | null; path: string }[] = [];
  let expectKey = false;
  let lastKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      const frame = frames.at(-1);
      if (expectKey && frame?.keys) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        const path = frame.path === '' ? key : `${frame.path}.${key}`;
        if (frame.keys.has(key)) return path;
        frame.keys.add(key);
        lastKey = path;
        expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      const parent = frames.at(-1);
      const path = parent === undefined ? '' : parent.keys ? lastKey : `${parent.path}[]`;
      frames.push({ keys: c === '{' ? new Set() : null, path });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      frames.pop();
    } else if (c === ',') {
      expectKey = frames.at(-1)?.keys != null;
    }
  }
  return undefined;
}

/** Index of the quote closing the string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === '"') return j;
  }
  return text.length;
}

function quote(line: string): string {
  return line.length > QUOTED_LINE_MAX ? `${line.slice(0, QUOTED_LINE_MAX)}... (${line.length} characters)` : line;
}
