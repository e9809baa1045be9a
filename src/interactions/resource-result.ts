/** Shared pieces of interaction results: ETag, Last-Modified, Location, and parsing stored versions. */
import type { Resource } from '../fhir/types.js';
import { badRequest, gone, notFound } from '../fhir/errors.js';
import { definitions } from '../fhir/definitions.js';
import type { StoredVersion } from '../store/store.js';
import type { FhirResult } from './types.js';

const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

export function etag(versionId: number | string): string {
  return `W/"${versionId}"`;
}

/** Parses an ETag such as W/"3" or "3" (If-Match); undefined when malformed. */
export function versionFromEtag(value: string): number | undefined {
  const m = /^(?:W\/)?"(\d+)"$/.exec(value.trim());
  return m ? Number(m[1]) : undefined;
}

export function httpDate(iso: string): string {
  return new Date(iso).toUTCString();
}

export function versionHeaders(v: StoredVersion, baseUrl: string) {
  return {
    etag: etag(v.versionId),
    lastModified: httpDate(v.lastUpdated),
    location: `${baseUrl}/${v.type}/${v.id}/_history/${v.versionId}`,
  };
}

export function resourceResult(status: number, v: StoredVersion, baseUrl: string): FhirResult {
  return { status, json: v.json, headers: versionHeaders(v, baseUrl), lastUpdated: v.lastUpdated };
}

/** A read's result: the version's URL goes in Content-Location (a read creates nothing, so no Location). */
export function readResult(v: StoredVersion, baseUrl: string): FhirResult {
  const headers = {
    etag: etag(v.versionId),
    lastModified: httpDate(v.lastUpdated),
    contentLocation: `${baseUrl}/${v.type}/${v.id}/_history/${v.versionId}`,
  };
  return { status: 200, json: v.json, headers, lastUpdated: v.lastUpdated };
}

export function parseStored(v: StoredVersion): Resource {
  return JSON.parse(v.json!) as Resource;
}

/** 404 for an unknown type (http.html: unknown resource types are not found). */
export function assertResourceType(type: string): void {
  if (!definitions().isResourceType(type)) throw notFound(`Unknown resource type '${type}'`);
}

export function assertId(id: string, expression = 'id'): void {
  if (!ID_PATTERN.test(id)) throw badRequest(`Invalid resource id '${id.slice(0, 80)}': ids are 1-64 of A-Z a-z 0-9 - .`, expression);
}

/** The current version of a resource for reading: 404 when it never existed, 410 when deleted. */
export function requireLive(v: StoredVersion | undefined, type: string, id: string): StoredVersion {
  if (!v) throw notFound(`${type}/${id} is not known`);
  if (v.deleted) throw gone(`${type}/${id} was deleted (version ${v.versionId})`);
  return v;
}
