/**
 * What the FHIR handler reports about each request as it answers (audit of reads and failures, metrics,
 * logs): which interaction on what, by whom, with which outcome. Observers must not throw and must not
 * hold the response up (except audit when its queue is full); what they need to keep they copy.
 */
import type { OperationOutcome } from '../fhir/types.js';
import type { RequestInfo } from '../interactions/hooks.js';
import type { FhirRequest, FhirResult } from '../interactions/types.js';
import { matchPattern, ROUTES } from './routes.js';

export interface RequestEvent extends RequestInfo {
  method: string;
  /** The request as parsed (absent when it could not be parsed: a bad URL or body). */
  request?: FhirRequest;
  interaction: Interaction;
  resourceType?: string;
  id?: string;
  /** For interaction 'operation': its code without the $. */
  operation?: string;
  status: number;
  durationMs: number;
  /** The result of a successful request. */
  result?: FhirResult;
  /** The OperationOutcome of a failed one. */
  outcome?: OperationOutcome;
}

/**
 * Called just before the response is written. An observer may answer with a promise (audit, when its
 * queue is full): the response waits for it to settle. Any other answer is ignored.
 */
export type RequestObserver = (event: RequestEvent) => unknown;

/** TypeRestfulInteraction / SystemRestfulInteraction codes, plus what else the FHIR base answers. */
export type Interaction =
  | 'read'
  | 'vread'
  | 'update'
  | 'patch'
  | 'delete'
  | 'history-instance'
  | 'history-type'
  | 'history-system'
  | 'create'
  | 'search-type'
  | 'search-system'
  | 'batch'
  | 'transaction'
  | 'capabilities'
  | 'operation'
  | 'smart-configuration'
  | 'unknown';

/** Classifies a parsed request the way dispatch routes it. */
export function classify(req: FhirRequest): Pick<RequestEvent, 'interaction' | 'resourceType' | 'id' | 'operation'> {
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const { path } = req;
  if (path.length === 0) {
    if (method === 'GET') return { interaction: 'search-system' };
    if (method === 'POST') return { interaction: (req.body as { type?: string } | undefined)?.type === 'transaction' ? 'transaction' : 'batch' };
    return { interaction: 'unknown' };
  }
  if (path.length === 1 && path[0] === 'metadata') return { interaction: 'capabilities' };
  if (path.length === 2 && path[0] === '.well-known') return { interaction: 'smart-configuration' };
  const last = path[path.length - 1]!;
  if (last.startsWith('$')) {
    return { interaction: 'operation', operation: last.slice(1), resourceType: path.length > 1 ? path[0] : undefined, id: path.length === 3 ? path[1] : undefined };
  }
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const params = matchPattern(route.pattern, path);
    if (!params) continue;
    return { interaction: route.interaction as Interaction, resourceType: params.type, id: params.id };
  }
  return { interaction: 'unknown' };
}
