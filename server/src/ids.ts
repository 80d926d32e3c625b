import { randomBytes, randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Random bytes drawn 4 KiB at a time: one call into the CSPRNG per ~400 ids, not one per id. */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function random10(): number {
  if (poolOffset + 10 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const at = poolOffset;
  poolOffset += 10;
  return at;
}

/**
 * RFC 9562 UUIDv7: time-ordered, so ids sort by creation and serve as pagination keys.
 * 48 bits of milliseconds, then 74 random bits (version and variant bits set). It sits on the
 * redirect's hot path, hence the byte pool and the hex table.
 */
export function uuidv7(now = Date.now()): string {
  const r = random10();
  const p = pool;
  const hi = Math.floor(now / 0x1000000);
  const lo = now % 0x1000000;
  return (
    HEX[(hi >>> 16) & 0xff]! +
    HEX[(hi >>> 8) & 0xff]! +
    HEX[hi & 0xff]! +
    HEX[(lo >>> 16) & 0xff]! +
    '-' +
    HEX[(lo >>> 8) & 0xff]! +
    HEX[lo & 0xff]! +
    '-' +
    HEX[(p[r]! & 0x0f) | 0x70]! +
    HEX[p[r + 1]!]! +
    '-' +
    HEX[(p[r + 2]! & 0x3f) | 0x80]! +
    HEX[p[r + 3]!]! +
    '-' +
    HEX[p[r + 4]!]! +
    HEX[p[r + 5]!]! +
    HEX[p[r + 6]!]! +
    HEX[p[r + 7]!]! +
    HEX[p[r + 8]!]! +
    HEX[p[r + 9]!]!
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID.test(s);

/**
 * 31 characters with no look-alikes (no 0/O, 1/I/L), so codes survive being read aloud: share
 * codes and customer referral codes.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** Random token text from an alphabet, unbiased (rejection sampling). */
export function randomCode(length: number, alphabet: string): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 256 - (256 % alphabet.length)) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}
