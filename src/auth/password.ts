/**
 * Password hashing with scrypt (node:crypto), stored as `scrypt$N$r$p$salt$hash` (salt and hash
 * base64url). The parameters travel with each hash so they can be raised later without invalidating
 * stored passwords: `needsRehash` tells the login page to re-hash after a successful check.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { badRequest } from '../fhir/errors.js';

/** OWASP's scrypt baseline: N=2^15, r=8, p=1 takes ~32 MiB and tens of milliseconds per check. */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Upper bounds on what a stored string may ask for, so a damaged or planted row cannot make one login
// take gigabytes or minutes.
const MAX = { N: 2 ** 20, r: 32, p: 16 };

interface Parsed {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function scrypt(password: string, salt: Buffer, length: number, { N, r, p }: { N: number; r: number; p: number }): Promise<Buffer> {
  // Node's default maxmem (32 MiB) is just below what N=2^15, r=8 needs (128·N·r plus overhead).
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r * p };
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Throws a 400 for an empty password: an account with one could be entered by anyone. */
export async function hashPassword(password: string): Promise<string> {
  if (typeof password !== 'string' || password.length === 0) throw badRequest('The password must not be empty', 'password');
  const salt = randomBytes(SALT_BYTES);
  const { N, r, p } = SCRYPT_PARAMS;
  const hash = await scrypt(password, salt, KEY_BYTES, SCRYPT_PARAMS);
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

// Checked against when the user does not exist or their stored string is unreadable, so the answer
// takes as long as for a real user and response times do not tell which usernames exist.
const DUMMY: Parsed = { ...SCRYPT_PARAMS, salt: Buffer.alloc(SALT_BYTES), hash: Buffer.alloc(KEY_BYTES) };

/**
 * True when `password` matches `stored`. False for an empty password, for an unknown user (`stored`
 * undefined, still spending the time of a real check) and for a stored string that is not ours.
 */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  if (typeof password !== 'string' || password.length === 0) return false;
  const parsed = stored === undefined ? undefined : parse(stored);
  const target = parsed ?? DUMMY;
  const candidate = await scrypt(password, target.salt, target.hash.length, target);
  // Constant time: how much of a guess matched must not show in the response time.
  return timingSafeEqual(candidate, target.hash) && parsed !== undefined;
}

/** True when `stored` was made with weaker parameters than today's (or cannot be read). */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  if (!parsed) return true;
  return parsed.N < SCRYPT_PARAMS.N || parsed.r < SCRYPT_PARAMS.r || parsed.p < SCRYPT_PARAMS.p || parsed.hash.length < KEY_BYTES;
}

function parse(stored: string): Parsed | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((s) => (/^[1-9][0-9]{0,7}$/.test(s) ? Number(s) : NaN));
  if (!(N >= 2 && N <= MAX.N && (N & (N - 1)) === 0) || !(r >= 1 && r <= MAX.r) || !(p >= 1 && p <= MAX.p)) return undefined;
  if (!/^[A-Za-z0-9_-]+$/.test(parts[4]) || !/^[A-Za-z0-9_-]+$/.test(parts[5])) return undefined;
  const salt = Buffer.from(parts[4], 'base64url');
  const hash = Buffer.from(parts[5], 'base64url');
  if (salt.length < 8 || hash.length < 16 || hash.length > 64) return undefined;
  return { N, r, p, salt, hash };
}
