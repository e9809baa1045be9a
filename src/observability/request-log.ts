/**
 * One JSON log line per answered FHIR request (a RequestObserver): who asked (request id, client id),
 * what kind of request (method, interaction, resource type, operation), and how it went (status,
 * duration). Never the URL (ids, search values), bodies, OperationOutcome diagnostics (they can quote
 * input), the patient in context or the user (a fhirUser can be a Patient): no patient data in logs.
 * Resource type and operation only when they are known ones: a path segment is whatever the client sent.
 */
import type { Logger } from 'pino';
import type { RequestObserver } from '../http/request-event.js';
import { operationLabel, resourceTypeLabel } from './labels.js';

export function requestLog(logger: Logger): RequestObserver {
  return (event) => {
    const line = {
      requestId: event.requestId,
      method: event.method,
      interaction: event.interaction,
      resourceType: resourceTypeLabel(event.resourceType) || undefined,
      operation: event.interaction === 'operation' ? operationLabel(event.operation) : undefined,
      status: event.status,
      durationMs: Math.round(event.durationMs * 1000) / 1000,
      clientId: event.access?.clientId,
    };
    if (event.status >= 500) logger.error(line, 'request');
    else logger.info(line, 'request');
  };
}
