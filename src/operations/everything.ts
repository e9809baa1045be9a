/**
 * Patient/[id]/$everything (OperationDefinition Patient-everything, from HL7's package): the patient,
 * every resource in their compartment (the official Patient CompartmentDefinition) and the resources
 * those refer to (practitioners, organisations, medications...), as a searchset Bundle paged like a
 * search (`_count`, then the `next` links). `_since` keeps resources changed since an instant; `_type`
 * limits the types.
 *
 * Not supported: the type level (everything about every patient) and `start`/`end` (care dates); both
 * are refused with a 400 rather than answered partially.
 */
import { definitions } from '../fhir/definitions.js';
import { notSupported } from '../fhir/errors.js';
import { requireVisible } from '../interactions/access-check.js';
import { requireLive } from '../interactions/resource-result.js';
import { runSearch } from '../interactions/search.js';
import { compartment, compartmentTypes } from '../search/compartment.js';
import type { Operation, OperationDefinition } from './operation.js';
import { operationInput } from './parameters.js';

/** Parameters passed on to the search as they are: those of our own paging links. */
const PASSED = new Set(['_count', '_cursor', '_page', '_lastUpdated']);

const official = definitions().byCanonical('http://hl7.org/fhir/OperationDefinition/Patient-everything') as OperationDefinition;

export const everythingOperation: Operation = {
  // Instance level only (see above), so routing and the CapabilityStatement say what we serve.
  definition: { ...official, type: false },

  async handle(req, ctx, target) {
    const id = target.id!;
    requireLive(await ctx.reader.read('Patient', id), 'Patient', id);
    // The patient must be readable; the search below then filters the compartment like any search.
    await requireVisible(ctx.access, ctx.reader, ctx.baseUrl, 'Patient', id, 'r');
    const input = operationInput(req);
    const query: [string, string][] = [];
    let types: string[] | undefined;
    for (const [name, values] of input.values) {
      if (name === 'start' || name === 'end') throw notSupported(`$everything does not support '${name}' (care dates) yet; use _since or search the compartment`, name);
      if (name === '_since') query.push(['_lastUpdated', `ge${values[0]}`]);
      else if (name === '_type') types = values.flatMap((v) => v.split(',')).filter((t) => t !== '');
      else if (PASSED.has(name)) for (const v of values) query.push([name, v]);
    }
    const scope = compartment('Patient', id, types);
    const linkBase = `${ctx.baseUrl}/Patient/${id}/$everything`;
    return runSearch({ ...req, query, body: undefined }, ctx, compartmentTypes(scope), linkBase, (q) => {
      q.compartment = scope;
      // _type is ours, not the search's: keep it in the self and paging links.
      if (types) q.applied.unshift(['_type', types.join(',')]);
      // Everything the members refer to comes along (search.mode include), from every member type.
      q.include = [{ sourceType: '*', param: '*', iterate: false }];
    });
  },
};
