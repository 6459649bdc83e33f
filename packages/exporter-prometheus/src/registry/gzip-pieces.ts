import { constants as zlibConstants, crc32, deflateRawSync, type ZlibOptions } from 'node:zlib';
import { crc32Combine, crc32ShiftOperator } from './crc32-combine.js';

/**
 * A run of exposition bytes that is cached as it is and compressed once.
 *
 * Its deflate stream starts from an empty window and ends with a sync flush (byte-aligned, not
 * final), so it does not depend on what comes before it: the compressed pieces of a page can be
 * concatenated into one deflate stream, wrapped in one gzip member ({@link gzipOf}). That is how
 * pigz builds a gzip file, and it keeps the page a single gzip member, which every client reads
 * (curl and browsers stop after the first member of a multi-member body).
 */
/** Fastest level: exposition text still shrinks ~10x, and scrape CPU matters more than bytes. */
const DEFLATE: ZlibOptions = { level: zlibConstants.Z_BEST_SPEED, finishFlush: zlibConstants.Z_SYNC_FLUSH };

export class ExpositionPiece {
  private deflated: Buffer | undefined;
  private checksum: number | undefined;
  private shift: number | undefined;

  constructor(readonly bytes: Buffer) {}

  static of(text: string): ExpositionPiece {
    return new ExpositionPiece(Buffer.from(text, 'utf8'));
  }

  /**
   * The raw-deflate stream of the bytes, computed once. Synchronous on purpose: ~50 µs for a 16 KB
   * piece, where a hop to libuv's thread pool per piece measured 3x slower in total.
   */
  compressed(): Buffer {
    this.deflated ??= deflateRawSync(this.bytes, DEFLATE);
    return this.deflated;
  }

  /** True once {@link compressed} has been computed (so assembling costs no compression). */
  get isCompressed(): boolean {
    return this.deflated !== undefined;
  }

  get crc(): number {
    this.checksum ??= crc32(this.bytes);
    return this.checksum;
  }

  get crcShift(): number {
    this.shift ??= crc32ShiftOperator(this.bytes.length);
    return this.shift;
  }
}

/** gzip header: deflate, no name or time, unknown OS (RFC 1952). */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff]);
/** An empty final fixed-Huffman block: ends the deflate stream. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/** The pieces' concatenation as one gzip member. Compresses the pieces not compressed yet. */
export function gzipOf(pieces: readonly ExpositionPiece[]): Buffer {
  const parts: Buffer[] = [GZIP_HEADER];
  let crc = 0;
  let size = 0;
  for (const piece of pieces) {
    if (piece.bytes.length === 0) continue;
    parts.push(piece.compressed());
    crc = crc32Combine(crc, piece.crc, piece.crcShift);
    size += piece.bytes.length;
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size % 2 ** 32, 4);
  parts.push(FINAL_BLOCK, trailer);
  return Buffer.concat(parts);
}
