/**
 * Response compression: gzip, deflate or br, negotiated from Accept-Encoding (negotiator), for bodies of
 * 1 KiB and more. Done here rather than by express's compression middleware so that every FHIR request
 * takes the same express-free path: requests that went through express (whose request and response
 * objects have other prototypes) made Node's own HTTP code polymorphic and every later read ~15% slower
 * (measured with bench/), and clients asking for gzip — most of them — never got the lean path.
 */
import Negotiator from 'negotiator';
import { brotliCompress, brotliCompressSync, constants, deflate, deflateSync, gzip, gzipSync, type InputType } from 'node:zlib';

export type ContentEncoding = 'gzip' | 'deflate' | 'br';

/** Smaller bodies gain too little to pay for compression. */
export const COMPRESSION_THRESHOLD = 1024;
/** Up to this size compression runs inline; larger bodies are compressed on libuv's thread pool. */
const INLINE_LIMIT = 16 * 1024;
const OFFERED = ['gzip', 'deflate', 'br', 'identity'];
// Brotli's default quality (11) is meant for static assets; 4 compresses about as well as gzip, faster.
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } };

/** The encoding to use for a response to this Accept-Encoding; undefined for none. */
export function chooseEncoding(acceptEncoding: string | undefined): ContentEncoding | undefined {
  if (!acceptEncoding) return undefined;
  const best = new Negotiator({ headers: { 'accept-encoding': acceptEncoding } }).encoding(OFFERED);
  return best === 'gzip' || best === 'deflate' || best === 'br' ? best : undefined;
}

export function compress(body: Buffer, encoding: ContentEncoding, done: (err: Error | null, out: Buffer) => void): void {
  if (body.length <= INLINE_LIMIT) {
    let out: Buffer;
    try {
      out = encoding === 'gzip' ? gzipSync(body) : encoding === 'deflate' ? deflateSync(body) : brotliCompressSync(body, BROTLI);
    } catch (err) {
      return done(err as Error, body);
    }
    return done(null, out);
  }
  const input: InputType = body;
  if (encoding === 'gzip') gzip(input, done);
  else if (encoding === 'deflate') deflate(input, done);
  else brotliCompress(input, BROTLI, done);
}
