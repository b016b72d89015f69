import { randomFillSync } from 'node:crypto';

/*
 * Row ids: UUIDv7 (RFC 9562), so ids sort by creation time and cursors can page by id. Made here
 * rather than by the `uuid` package on the engine's hot path (several ids per run): its v7 asks the
 * OS for randomness on every call (~2.4 µs); this draws from a pooled buffer (~0.2 µs).
 */

const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;

function randomBytes(count: number): Buffer {
  if (poolOffset + count > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + count);
  poolOffset += count;
  return bytes;
}

const hex = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

let lastMs = -1;
/** The 12-bit rand_a field used as a counter within one millisecond (RFC 9562, method 1). */
let counter = 0;

/** A new UUIDv7: ids made later in this process always sort after earlier ones. */
export function newId(now: number = Date.now()): string {
  let ms = now;
  if (ms > lastMs) {
    // A fresh millisecond: the counter starts at a random point in its lower half, leaving room to count.
    counter = randomBytes(2).readUInt16BE(0) & 0x7ff;
  } else {
    // The same millisecond (or the clock went back): count on, and borrow the next millisecond when full.
    ms = lastMs;
    counter++;
    if (counter > 0xfff) {
      ms++;
      counter = 0;
    }
  }
  lastMs = ms;
  const random = randomBytes(8);
  const b = new Array<string>(16);
  // 48-bit big-endian milliseconds.
  b[0] = hex[Math.floor(ms / 2 ** 40) & 0xff] as string;
  b[1] = hex[Math.floor(ms / 2 ** 32) & 0xff] as string;
  b[2] = hex[(ms >>> 24) & 0xff] as string;
  b[3] = hex[(ms >>> 16) & 0xff] as string;
  b[4] = hex[(ms >>> 8) & 0xff] as string;
  b[5] = hex[ms & 0xff] as string;
  // Version 7 and the counter.
  b[6] = hex[0x70 | (counter >>> 8)] as string;
  b[7] = hex[counter & 0xff] as string;
  // Variant 0b10 and 62 random bits.
  b[8] = hex[0x80 | ((random[0] as number) & 0x3f)] as string;
  for (let i = 1; i < 8; i++) b[8 + i] = hex[random[i] as number] as string;
  return `${b[0]}${b[1]}${b[2]}${b[3]}-${b[4]}${b[5]}-${b[6]}${b[7]}-${b[8]}${b[9]}-${b[10]}${b[11]}${b[12]}${b[13]}${b[14]}${b[15]}`;
}
