/**
 * batch (http.html#transaction): each entry processed on its own, in its own database transaction;
 * one entry's failure is reported in its response entry and does not affect the others.
 */
import { OperationOutcomeError } from '../../fhir/errors.js';
import type { Bundle, BundleEntry } from '../../fhir/types.js';
import type { FhirResult, InteractionContext } from '../types.js';
import { entryRequest } from './entry-request.js';
import { atEntry, errorEntry, responseEntry, type ReturnPreference } from './entry-response.js';

export async function batch(bundle: Bundle, ctx: InteractionContext, prefer: ReturnPreference): Promise<FhirResult> {
  const out: BundleEntry[] = [];
  for (const [i, entry] of (bundle.entry ?? []).entries()) {
    try {
      const req = entryRequest(entry, i, ctx.baseUrl);
      const result = await ctx.dispatch(req, ctx);
      out.push(responseEntry(result, ctx.baseUrl, prefer, req.method === 'GET' || req.method === 'HEAD'));
    } catch (err) {
      const located = atEntry(err, i);
      if (!(located instanceof OperationOutcomeError)) throw err;
      out.push(errorEntry(located));
    }
  }
  return { status: 200, resource: { resourceType: 'Bundle', type: 'batch-response', entry: out } as Bundle };
}
