import { formatValue } from './exposition-text.js';

/**
 * Appends exposition bytes to a growable buffer: pre-encoded pieces (a family's bucket prefixes,
 * a series' head as text) are copied, numbers are written digit by digit. Writing bytes straight
 * to the output (as VictoriaMetrics' `metrics` package does) avoids building and then encoding a
 * string for every sample line.
 */
export class ByteWriter {
  private buf: Buffer;
  /** Bytes written so far. */
  length = 0;

  constructor(initialSize = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Forgets what was written (the buffer is reused). */
  reset(): void {
    this.length = 0;
  }

  bytes(src: Uint8Array): void {
    this.reserve(src.length);
    this.buf.set(src, this.length);
    this.length += src.length;
  }

  /**
   * A series' head (`name{labels} `), kept as a flat string: a Buffer per series cost twice its
   * bytes in object overhead, and encoding ~100 ASCII bytes is cheap next to rendering the line.
   */
  text(src: string): void {
    this.reserve(src.length * 3);
    this.length += this.buf.write(src, this.length, 'utf8');
  }

  /** A sample value: integers digit by digit, anything else as JavaScript prints it (`+Inf`, `-Inf`, `NaN`). */
  value(v: number): void {
    if (Number.isSafeInteger(v) && v >= 0) this.uint(v);
    else this.ascii(formatValue(v));
  }

  newline(): void {
    this.reserve(1);
    this.buf[this.length++] = 0x0a;
  }

  /** Appends `src[from, to)`. */
  copyFrom(src: Buffer, from: number, to: number): void {
    this.reserve(to - from);
    src.copy(this.buf, this.length, from, to);
    this.length += to - from;
  }

  /** Copies `[from, to)` of what was written into `target` at `at`. */
  copyOut(target: Buffer, at: number, from: number, to: number): void {
    this.buf.copy(target, at, from, to);
  }

  private uint(v: number): void {
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    this.reserve(digits);
    let at = this.length + digits;
    let x = v;
    do {
      this.buf[--at] = 0x30 + (x % 10);
      x = Math.floor(x / 10);
    } while (x > 0);
    this.length += digits;
  }

  private ascii(text: string): void {
    this.reserve(text.length);
    this.length += this.buf.write(text, this.length, 'latin1');
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.length + n, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }
}
