// Small numeric helpers shared by the benches.

export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export const median = (values) => quantile(values, 0.5);
export const max = (values) => (values.length === 0 ? NaN : values.reduce((a, b) => (b > a ? b : a), -Infinity));

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `intervalMs` until it returns something other than undefined/false; throws after `timeoutMs`. */
export async function until(what, check, { timeoutMs = 60_000, intervalMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError.message})` : ''}`);
    await sleep(intervalMs);
  }
}

/** Formats a number for a table: 3 significant digits, no exponent for ordinary magnitudes. */
export function fmt(value, digits = 3) {
  if (value === undefined || value === null || Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 10 ** digits) return String(Math.round(value));
  return String(Number(value.toPrecision(digits)));
}

export const mib = (bytes) => fmt(bytes / 2 ** 20);
export const ratio = (a, b) => (b > 0 ? fmt(a / b, 3) : 'n/a');
