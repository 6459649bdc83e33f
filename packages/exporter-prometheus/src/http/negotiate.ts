/** One entry of an `Accept`/`Accept-Encoding` header. */
interface Preference {
  readonly value: string;
  readonly q: number;
}

function parse(header: string | undefined): Preference[] {
  if (!header) return [];
  const out: Preference[] = [];
  for (const part of header.split(',')) {
    const [rawValue, ...params] = part.split(';');
    const value = rawValue!.trim().toLowerCase();
    if (value === '') continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    out.push({ value, q: Number.isFinite(q) ? q : 0 });
  }
  return out;
}

/**
 * True when the client prefers OpenMetrics: it lists `application/openmetrics-text` with a
 * quality at least as high as any classic text entry (Prometheus sends
 * `application/openmetrics-text;version=1.0.0,...,text/plain;version=0.0.4;q=0.5,*\/*;q=0.1`).
 */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  let om = 0;
  let text = 0;
  for (const p of parse(accept)) {
    if (p.value === 'application/openmetrics-text') om = Math.max(om, p.q);
    else if (p.value === 'text/plain') text = Math.max(text, p.q);
  }
  return om > 0 && om >= text;
}

/** True when `Accept-Encoding` allows gzip (explicitly or through `*`), not with q=0. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  let gzip: number | undefined;
  let star: number | undefined;
  for (const p of parse(acceptEncoding)) {
    if (p.value === 'gzip' || p.value === 'x-gzip') gzip = p.q;
    else if (p.value === '*') star = p.q;
  }
  return (gzip ?? star ?? 0) > 0;
}
