/**
 * The authorization server's own signing keys (access tokens, id tokens) and the JWKS it publishes.
 *
 * Keys live in `<dir>/signing-keys.json` (the data directory, never the repo), readable by the owner
 * only. The file holds a list, newest first: we sign with the newest key of an algorithm and verify
 * with any listed key, so a rotation (a later CLI command) prepends a key and drops old ones only
 * after every token they signed has expired.
 *
 * Each key carries exactly one `alg`: a JWK's `alg` pins the algorithm (RFC 7517 §4.4) and verifiers
 * such as jose's JWKS sets skip keys whose `alg` differs from the token header's. An RSA key could sign
 * RS256 and RS384, but we publish it for one so every verifier agrees; RS256 is the default because
 * OpenID Connect requires it for id tokens.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';

export type SigningAlg = 'RS256' | 'RS384' | 'ES384';
export const SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'RS384', 'ES384'];

export interface SigningKey {
  /** RFC 7638 thumbprint of the public key. */
  kid: string;
  alg: SigningAlg;
  /** ISO timestamp; informational, the list order is what counts. */
  created: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Newest first. */
export interface SigningKeys {
  keys: readonly SigningKey[];
}

/** A key-file problem at startup, not a request error: the CLI prints the message and exits. */
export class SigningKeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyFileError';
  }
}

export const KEY_FILE = 'signing-keys.json';
const FORMAT = 'qiao-signing-keys';
const VERSION = 1;

interface StoredKey {
  created: string;
  jwk: JWK;
}

export async function generateSigningKey(alg: SigningAlg, created = new Date()): Promise<SigningKey> {
  const pair = alg === 'ES384'
    ? generateKeyPairSync('ec', { namedCurve: 'P-384' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return withKid(alg, created.toISOString(), pair.privateKey, pair.publicKey);
}

async function withKid(alg: SigningAlg, created: string, privateKey: KeyObject, publicKey: KeyObject): Promise<SigningKey> {
  const kid = await calculateJwkThumbprint(publicKey.export({ format: 'jwk' }) as JWK, 'sha256');
  return { kid, alg, created, privateKey, publicKey };
}

/**
 * Loads the key file in `dir`, creating dir (0700) and file (0600) with a fresh RS256 key (and an
 * ES384 key when `es384`) on first use. Several processes starting at once agree on one file: it is
 * created with link(), which fails if another process created it first, and then that file is loaded.
 */
export async function loadOrCreateSigningKeys(dir: string, options: { es384?: boolean } = {}): Promise<SigningKeys> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, KEY_FILE);
  let keys = await readKeyFile(file);
  if (!keys) {
    const fresh = [await generateSigningKey('RS256')];
    if (options.es384) fresh.push(await generateSigningKey('ES384'));
    if (writeAtomically(file, serialize({ keys: fresh }), 'create')) return { keys: fresh };
    keys = await readKeyFile(file);
    if (!keys) throw new SigningKeyFileError(`${file} vanished while it was being created`);
  }
  if (options.es384 && !keys.keys.some((k) => k.alg === 'ES384')) {
    keys = { keys: [await generateSigningKey('ES384'), ...keys.keys] };
    saveSigningKeys(dir, keys);
  }
  return keys;
}

/** Replaces the key file atomically (for rotation): readers see the old list or the new one, never a mix. */
export function saveSigningKeys(dir: string, keys: SigningKeys): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeAtomically(join(dir, KEY_FILE), serialize(keys), 'replace');
}

/** The jwks_uri document: public parts only. */
export function publicJwks(keys: SigningKeys): { keys: JWK[] } {
  return {
    keys: keys.keys.map((k) => ({ ...(k.publicKey.export({ format: 'jwk' }) as JWK), kid: k.kid, alg: k.alg, use: 'sig' })),
  };
}

/** The key new tokens of `alg` are signed with; undefined when there is none. */
export function newestSigningKey(keys: SigningKeys, alg: SigningAlg): SigningKey | undefined {
  return keys.keys.find((k) => k.alg === alg);
}

function serialize(keys: SigningKeys): string {
  const stored: StoredKey[] = keys.keys.map((k) => ({
    created: k.created,
    jwk: { ...(k.privateKey.export({ format: 'jwk' }) as JWK), kid: k.kid, alg: k.alg, use: 'sig' },
  }));
  return JSON.stringify({ format: FORMAT, version: VERSION, keys: stored }, null, 2) + '\n';
}

/** undefined when the file does not exist. Messages name the file, never key material. */
async function readKeyFile(file: string): Promise<SigningKeys | undefined> {
  let text: string;
  try {
    // Like ssh with private keys: a file others can read may have leaked, so refuse it rather than use it.
    const mode = statSync(file).mode;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new SigningKeyFileError(`${file} is readable by other users (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${file}`);
    }
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: { format?: unknown; version?: unknown; keys?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SigningKeyFileError(`${file} is not valid JSON`);
  }
  if (parsed?.format !== FORMAT || parsed.version !== VERSION || !Array.isArray(parsed.keys) || parsed.keys.length === 0) {
    throw new SigningKeyFileError(`${file} is not a version ${VERSION} ${FORMAT} file with at least one key`);
  }
  const keys: SigningKey[] = [];
  for (const [i, entry] of (parsed.keys as StoredKey[]).entries()) keys.push(await parseKey(entry, `${file}: keys[${i}]`));
  return { keys };
}

async function parseKey(entry: StoredKey, where: string): Promise<SigningKey> {
  const jwk = entry?.jwk;
  const alg = jwk?.alg as SigningAlg;
  if (!SIGNING_ALGS.includes(alg)) throw new SigningKeyFileError(`${where} has no supported alg (${SIGNING_ALGS.join(', ')})`);
  if (typeof jwk.d !== 'string') throw new SigningKeyFileError(`${where} is not a private key`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    throw new SigningKeyFileError(`${where} is not a usable private key`);
  }
  const detail = privateKey.asymmetricKeyDetails;
  const fits = alg === 'ES384'
    ? privateKey.asymmetricKeyType === 'ec' && detail?.namedCurve === 'secp384r1'
    : privateKey.asymmetricKeyType === 'rsa' && (detail?.modulusLength ?? 0) >= 2048;
  if (!fits) throw new SigningKeyFileError(`${where} does not fit ${alg} (RSA of at least 2048 bits, or EC P-384)`);
  const key = await withKid(alg, String(entry.created ?? ''), privateKey, createPublicKey(privateKey));
  // A kid that is not the key's thumbprint means the file was edited by hand or damaged.
  if (jwk.kid !== key.kid) throw new SigningKeyFileError(`${where} has a kid that is not its RFC 7638 thumbprint`);
  return key;
}

/**
 * Writes a temp file (0600) beside `file`, flushes it, then either links it into place (`create`:
 * returns false if `file` already exists) or renames it over `file` (`replace`). Either way a reader
 * or a crash sees the whole old file or the whole new one.
 */
function writeAtomically(file: string, text: string, mode: 'create' | 'replace'): boolean {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  let placed = true;
  try {
    if (mode === 'replace') renameSync(temp, file);
    else linkSync(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      unlinkSync(temp);
      throw err;
    }
    placed = false;
  }
  if (mode === 'create') unlinkSync(temp);
  if (placed) syncDirectory(file);
  return placed;
}

/** Makes the new directory entry itself durable; not possible on every platform, hence best effort. */
function syncDirectory(file: string): void {
  try {
    const fd = openSync(dirname(file), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows cannot open directories; the rename is still atomic there.
  }
}
