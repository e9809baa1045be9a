/**
 * Content negotiation (http.html#mime-type): JSON in and out. `_format` wins over Accept. XML is
 * recognised and refused (406 for responses, 415 for bodies) until Qiao speaks it.
 */
import { notAcceptable, unsupportedMediaType } from '../fhir/errors.js';

const JSON_FORMATS: Record<string, string> = {
  json: 'application/fhir+json',
  'application/json': 'application/json',
  'application/fhir+json': 'application/fhir+json',
  'application/json+fhir': 'application/fhir+json',
};
const XML_FORMATS = new Set(['xml', 'text/xml', 'application/xml', 'application/fhir+xml', 'application/xml+fhir', 'html', 'text/html']);

/** The response media type for a request's `_format` and Accept header. */
export function responseType(format: string | undefined, accept: string | undefined): string {
  if (format !== undefined) {
    const f = format.split(';')[0].trim().toLowerCase();
    if (JSON_FORMATS[f]) return JSON_FORMATS[f];
    if (XML_FORMATS.has(f)) throw notAcceptable(`_format=${format} is not supported: Qiao returns JSON (application/fhir+json)`);
    throw notAcceptable(`Unknown _format '${format.slice(0, 60)}'`);
  }
  if (!accept) return 'application/fhir+json';
  const ranges = accept.split(',').map((r) => r.split(';')[0].trim().toLowerCase());
  for (const range of ranges) {
    if (JSON_FORMATS[range]) return JSON_FORMATS[range];
    if (range === '*/*' || range === 'application/*') return 'application/fhir+json';
  }
  throw notAcceptable(`None of the media types in Accept (${accept.slice(0, 120)}) can be produced: Qiao returns application/fhir+json`);
}

const BODY_TYPES = new Set(['application/fhir+json', 'application/json', 'application/json+fhir', 'application/json-patch+json']);

/** Checks a request body's Content-Type; returns the bare media type. */
export function requestType(contentType: string | undefined, method: string): string {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json-patch+json' && method !== 'PATCH') {
    throw unsupportedMediaType('application/json-patch+json is accepted only with PATCH');
  }
  if (BODY_TYPES.has(type)) return type;
  if (type === 'application/x-www-form-urlencoded') return type;
  throw unsupportedMediaType(
    type ? `Content-Type '${type.slice(0, 80)}' is not supported: send application/fhir+json` : 'A request body needs a Content-Type: application/fhir+json',
  );
}
