// Reads Prometheus text exposition (the agent's /metrics, text format) into samples, for counting
// losses per target and rebuilding the same series in a plain prom-client registry.

/** [{ name, labels: {..}, value }] for every sample line; `# TYPE` / `# HELP` collected per family. */
export function parseExposition(text) {
  const samples = [];
  const types = new Map();
  const helps = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# EOF')) continue;
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name, type);
      continue;
    }
    if (line.startsWith('# HELP ')) {
      const rest = line.slice(7);
      const sp = rest.indexOf(' ');
      helps.set(rest.slice(0, sp), rest.slice(sp + 1));
      continue;
    }
    if (line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const lastSpace = line.lastIndexOf(' ');
    let name;
    const labels = {};
    if (brace >= 0 && brace < lastSpace) {
      name = line.slice(0, brace);
      const close = line.lastIndexOf('}');
      const body = line.slice(brace + 1, close);
      // label="value",... with \" and \\ escapes
      let i = 0;
      while (i < body.length) {
        const eq = body.indexOf('=', i);
        const key = body.slice(i, eq).replace(/^,/, '').trim();
        let j = eq + 2;
        let value = '';
        while (j < body.length && body[j] !== '"') {
          if (body[j] === '\\') {
            const n = body[j + 1];
            value += n === 'n' ? '\n' : n;
            j += 2;
          } else value += body[j++];
        }
        labels[key] = value;
        i = j + 2;
      }
      samples.push({ name, labels, value: Number(line.slice(close + 1).trim().split(' ')[0]) });
    } else {
      const parts = line.split(' ');
      name = parts[0];
      samples.push({ name, labels, value: Number(parts[1]) });
    }
  }
  return { samples, types, helps };
}

/** Sum of a metric's samples per value of label `by`, optionally filtered. */
export function sumBy(samples, name, by, filter = () => true) {
  const out = new Map();
  for (const s of samples) {
    if (s.name !== name || !filter(s.labels)) continue;
    const k = s.labels[by];
    out.set(k, (out.get(k) ?? 0) + s.value);
  }
  return out;
}

export function total(samples, name, filter = () => true) {
  let sum = 0;
  for (const s of samples) if (s.name === name && filter(s.labels)) sum += s.value;
  return sum;
}
