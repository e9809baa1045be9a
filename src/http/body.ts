/**
 * Request bodies: read with a size limit (raw-body), Content-Encoding gzip, deflate and br inflated.
 * The limit applies to the inflated bytes, so a small compressed body cannot expand past it.
 */
import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import getRawBody from 'raw-body';
import { badRequest, tooLarge, unsupportedMediaType } from '../fhir/errors.js';
import type { RequestHeaders } from './headers.js';

const INFLATERS: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** Whether the request announces a body (RFC 9112 §6.3: Transfer-Encoding or a non-zero Content-Length). */
export function announcesBody(h: RequestHeaders): boolean {
  return h['transfer-encoding'] !== undefined || (h['content-length'] !== undefined && h['content-length'] !== '0');
}

export async function readBody(req: IncomingMessage, h: RequestHeaders, limit: number): Promise<Buffer> {
  const encoding = (h['content-encoding'] ?? 'identity').trim().toLowerCase();
  let stream: Readable = req;
  let length: string | undefined = h['content-length'];
  if (encoding !== 'identity') {
    const inflater = INFLATERS[encoding];
    if (!inflater) throw unsupportedMediaType(`Content-Encoding '${encoding.slice(0, 40)}' is not supported: send gzip, deflate, br or identity`);
    // pipeline, not pipe: an aborted request must also end the inflater, or the read would hang.
    stream = pipeline(req, inflater(), () => undefined) as unknown as Readable;
    length = undefined; // Content-Length counts the compressed bytes
  }
  try {
    return await getRawBody(stream, { length, limit });
  } catch (err) {
    const e = err as { type?: string; code?: string; message?: string };
    if (e.type === 'entity.too.large') throw tooLarge(`The request body is larger than the limit of ${limit} bytes`);
    if (e.code?.startsWith('Z_') || e.code?.startsWith('ERR__')) throw badRequest(`The request body is not valid ${encoding} data`);
    throw badRequest(`The request body could not be read: ${e.message ?? 'unknown error'}`);
  }
}
