/**
 * Password hashing with scrypt (node:crypto), stored as a self-describing string
 * `scrypt$N$r$p$salt$hash` (salt and hash base64url) so the cost can be raised later without
 * invalidating existing hashes.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1, saltBytes: 16, keyBytes: 64 } as const;

/** Bounds on parameters read back from a stored hash, so a tampered row cannot exhaust memory or CPU. */
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;
const MAX_KEY_BYTES = 256;

function scrypt(password: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function options(N: number, r: number, p: number): ScryptOptions {
  // scrypt needs about 128·N·r bytes; Node's default ceiling (32 MiB) is too low for larger N.
  return { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
}

/** Unicode passwords compare by what the user typed, not by how their keyboard encoded it. */
function normalize(password: string): string {
  return password.normalize('NFC');
}

export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, saltBytes, keyBytes } = SCRYPT_PARAMS;
  const salt = randomBytes(saltBytes);
  const key = await scrypt(normalize(password), salt, keyBytes, options(N, r, p));
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((s) => (/^[0-9]{1,8}$/.test(s) ? Number(s) : NaN));
  if (N === undefined || r === undefined || p === undefined) return undefined;
  const validN = Number.isInteger(N) && N > 1 && N <= MAX_N && (N & (N - 1)) === 0;
  if (!validN || !(r >= 1 && r <= MAX_R) || !(p >= 1 && p <= MAX_P)) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length === 0 || key.length < 16 || key.length > MAX_KEY_BYTES) return undefined;
  return { N, r, p, salt, key };
}

/** True when `password` matches `stored`; false for a wrong password or a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parse(stored);
  if (!h) return false;
  const key = await scrypt(normalize(password), h.salt, h.key.length, options(h.N, h.r, h.p));
  return timingSafeEqual(key, h.key);
}

/** True when `stored` was made with weaker parameters than today's (rehash after a good sign-in). */
export function needsRehash(stored: string): boolean {
  const h = parse(stored);
  if (!h) return true;
  return h.N < SCRYPT_PARAMS.N || h.r < SCRYPT_PARAMS.r || h.p < SCRYPT_PARAMS.p || h.key.length < SCRYPT_PARAMS.keyBytes;
}
