/**
 * Reading a FHIRPath Patch Parameters (fhirpatch.html) into operations, checking its shape: each
 * `parameter` is named `operation` and has the parts its type requires (table below), each once.
 * Anything malformed is a 400 whose expression names the parameter (and part) at fault.
 *
 *   type     path  name  value  index  source  destination
 *   add       ✓     ✓     ✓
 *   insert    ✓           ✓      ✓
 *   delete    ✓
 *   replace   ✓           ✓
 *   move      ✓                         ✓       ✓
 */
import { badRequest } from '../../fhir/errors.js';
import { isRecord, type Parameters, type ParametersParameter } from '../../fhir/types.js';

export type OperationType = 'add' | 'insert' | 'delete' | 'replace' | 'move';

export interface PatchOperation {
  type: OperationType;
  path: string;
  name?: string;
  value?: ParametersParameter;
  index?: number;
  source?: number;
  destination?: number;
  /** `Parameters.parameter[i]`: the operation in the Parameters, for error expressions. */
  at: string;
  /** The FHIRPath in the Parameters of each part present, by part name. */
  partAt: Record<string, string>;
}

const REQUIRED: Record<OperationType, string[]> = {
  add: ['path', 'name', 'value'],
  insert: ['path', 'value', 'index'],
  delete: ['path'],
  replace: ['path', 'value'],
  move: ['path', 'source', 'destination'],
};

const PART_NAMES = new Set(['type', 'path', 'name', 'value', 'index', 'source', 'destination']);

export function readOperations(parameters: Parameters): PatchOperation[] {
  if (!isRecord(parameters) || parameters.resourceType !== 'Parameters') {
    throw badRequest('A FHIRPath Patch must be a Parameters resource', 'Parameters');
  }
  const list = parameters.parameter ?? [];
  if (!Array.isArray(list)) throw badRequest('Parameters.parameter must be an array', 'Parameters.parameter');
  return list.map((parameter, i) => readOperation(parameter, `Parameters.parameter[${i}]`));
}

function readOperation(parameter: ParametersParameter, at: string): PatchOperation {
  if (!isRecord(parameter) || parameter.name !== 'operation') {
    throw badRequest(`Each parameter of a FHIRPath Patch must be named 'operation'`, `${at}.name`);
  }
  const parts = new Map<string, { part: ParametersParameter; at: string }>();
  (Array.isArray(parameter.part) ? parameter.part : []).forEach((part, j) => {
    const partAt = `${at}.part[${j}]`;
    if (!isRecord(part) || typeof part.name !== 'string') throw badRequest('An operation part has no name', partAt);
    if (!PART_NAMES.has(part.name)) throw badRequest(`Unknown operation part '${part.name}'`, partAt);
    if (parts.has(part.name)) throw badRequest(`The operation has more than one '${part.name}' part`, partAt);
    parts.set(part.name, { part, at: partAt });
  });

  const typePart = parts.get('type');
  if (!typePart) throw badRequest(`The operation has no 'type' part`, at);
  const type = typePart.part.valueCode ?? typePart.part.valueString;
  if (typeof type !== 'string' || !(type in REQUIRED)) {
    throw badRequest(`The operation type must be one of ${Object.keys(REQUIRED).join(', ')}`, typePart.at);
  }
  const required = REQUIRED[type as OperationType];
  for (const name of required) {
    if (!parts.has(name)) throw badRequest(`A '${type}' operation needs a '${name}' part`, at);
  }
  for (const [name, p] of parts) {
    if (name !== 'type' && !required.includes(name)) throw badRequest(`A '${type}' operation takes no '${name}' part`, p.at);
  }

  const op: PatchOperation = { type: type as OperationType, path: '', at, partAt: {} };
  for (const [name, p] of parts) op.partAt[name] = p.at;
  op.path = stringPart(parts.get('path')!, 'path');
  if (parts.has('name')) {
    op.name = stringPart(parts.get('name')!, 'name');
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(op.name)) throw badRequest(`'${op.name}' is not an element name`, parts.get('name')!.at);
  }
  if (parts.has('value')) op.value = parts.get('value')!.part;
  for (const name of ['index', 'source', 'destination'] as const) {
    if (parts.has(name)) op[name] = integerPart(parts.get(name)!, name);
  }
  return op;
}

function stringPart({ part, at }: { part: ParametersParameter; at: string }, name: string): string {
  const v = part.valueString ?? part.valueCode;
  if (typeof v !== 'string' || v.trim() === '') throw badRequest(`The '${name}' part needs a non-empty valueString`, at);
  return v;
}

function integerPart({ part, at }: { part: ParametersParameter; at: string }, name: string): number {
  const v = part.valueInteger ?? part.valueUnsignedInt ?? part.valuePositiveInt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw badRequest(`The '${name}' part needs a valueInteger of 0 or more`, at);
  }
  return v;
}
