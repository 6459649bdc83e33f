/**
 * CRC-32 (the gzip polynomial) of a concatenation from the CRCs of its parts, as zlib's
 * `crc32_combine` computes it: `crc(A ‖ B) = multmodp(x^(8·|B|) mod P, crc(A)) xor crc(B)`.
 * Node's `zlib.crc32` gives the CRC of one part; this joins cached parts without reading them
 * again. The operator for a part's length is computed once per part ({@link crc32ShiftOperator}).
 */

const POLY = 0xedb88320;

/** `a·b mod P` over GF(2), in zlib's reflected bit order. */
function multmodp(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** `x^(2^k) mod P` for k = 0..31. */
const X2N: readonly number[] = (() => {
  const table: number[] = [];
  let p = 0x40000000; // x^1
  table.push(p);
  for (let k = 1; k < 32; k++) table.push((p = multmodp(p, p)));
  return table;
})();

/** `x^(8·bytes) mod P`: what shifting a CRC past `bytes` bytes multiplies it by. */
export function crc32ShiftOperator(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes < 0 || bytes >= 2 ** 31) throw new RangeError(`crc32ShiftOperator: ${bytes} bytes is out of range`);
  let p = 0x80000000; // x^0
  let k = 3; // 8 = 2^3 bits per byte
  for (let n = bytes; n > 0; n >>>= 1, k++) {
    if (n & 1) p = multmodp(X2N[k & 31]!, p);
  }
  return p;
}

/** CRC-32 of `A ‖ B` from `crc(A)`, `crc(B)` and the shift operator of `|B|`. */
export function crc32Combine(crcA: number, crcB: number, shiftB: number): number {
  return (multmodp(shiftB, crcA) ^ crcB) >>> 0;
}
