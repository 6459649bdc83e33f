/**
 * Finds configured secrets in text the agent produced (log lines, pages, command output, request
 * bodies). A secret counts as leaked when any 12-character piece of it appears (so a truncated or
 * partly masked copy is caught too), or its base64 form does, or, for a basic-auth password, the
 * base64 `user:password` of an Authorization header.
 */

/** One configured secret, and the name of the user it belongs to when it is a basic-auth password. */
export interface Secret {
  /** What it is, for messages: `password file`, `OTLP header`, ... */
  readonly kind: string;
  readonly value: string;
  readonly basicAuthUser?: string;
  /**
   * Match the whole value only, not its pieces: for secrets that are not random throughout (a
   * device's passwords embed names the agent shows legitimately, such as a disk slot).
   */
  readonly wholeOnly?: boolean;
}

export interface Leak {
  readonly kind: string;
  /** Which text it was found in. */
  readonly where: string;
  /** `piece "<12 chars>"`, `base64` or `basic-auth header`. */
  readonly form: string;
}

/** Shortest piece of a secret that counts as a leak. Secrets in tests are longer than this and random. */
export const PIECE = 12;

function needles(secret: Secret): Array<{ form: string; text: string }> {
  const out: Array<{ form: string; text: string }> = [];
  const v = secret.value;
  if (v.length < PIECE) throw new Error(`a test secret must have at least ${PIECE} characters: ${secret.kind}`);
  if (secret.wholeOnly) out.push({ form: 'whole', text: v });
  else for (let i = 0; i + PIECE <= v.length; i++) out.push({ form: `piece ${JSON.stringify(v.slice(i, i + PIECE))}`, text: v.slice(i, i + PIECE) });
  out.push({ form: 'base64', text: Buffer.from(v).toString('base64').replace(/=+$/, '') });
  if (secret.basicAuthUser !== undefined) {
    out.push({ form: 'basic-auth header', text: Buffer.from(`${secret.basicAuthUser}:${v}`).toString('base64').replace(/=+$/, '') });
  }
  return out;
}

/** Every (secret, text) pair where a form of the secret occurs; texts are named by their keys. */
export function findLeaks(texts: Readonly<Record<string, string>>, secrets: readonly Secret[]): Leak[] {
  const leaks: Leak[] = [];
  for (const secret of secrets) {
    const forms = needles(secret);
    for (const [where, text] of Object.entries(texts)) {
      const hit = forms.find((f) => text.includes(f.text));
      if (hit) leaks.push({ kind: secret.kind, where, form: hit.form });
    }
  }
  return leaks;
}
