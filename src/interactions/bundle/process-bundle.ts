/** POST [base] with a Bundle of type batch or transaction (http.html#transaction). */
import { badRequest } from '../../fhir/errors.js';
import type { Bundle } from '../../fhir/types.js';
import { isRecord } from '../../fhir/types.js';
import type { FhirRequest, FhirResult, InteractionContext } from '../types.js';
import { batch } from './batch.js';
import type { ReturnPreference } from './entry-response.js';
import { transaction } from './transaction.js';

export async function processBundle(req: FhirRequest, ctx: InteractionContext, prefer: ReturnPreference): Promise<FhirResult> {
  const body = req.body;
  if (!isRecord(body) || body.resourceType !== 'Bundle') {
    throw badRequest('POST to the base takes a Bundle of type batch or transaction', 'resourceType');
  }
  const bundle = body as Bundle;
  if (bundle.entry !== undefined && !Array.isArray(bundle.entry)) throw badRequest('Bundle.entry must be an array', 'Bundle.entry');
  if (bundle.type === 'transaction') return transaction(bundle, ctx, prefer);
  if (bundle.type === 'batch') return batch(bundle, ctx, prefer);
  throw badRequest(`Bundle.type must be 'batch' or 'transaction' to be processed, not '${String(bundle.type)}'`, 'Bundle.type');
}
