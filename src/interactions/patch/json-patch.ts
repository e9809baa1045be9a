/**
 * JSON Patch (RFC 6902) on a resource, for PATCH with Content-Type `application/json-patch+json`
 * (http.html#patch). fast-json-patch applies the operations; this module only checks the shape of the
 * patch document first (so a malformed one is a 400 naming the operation) and turns the library's
 * errors into OperationOutcomes: a failing `test`, or a path that does not exist, is a 422.
 *
 * Pure: the input resource and the patch are deep-copied, never mutated.
 */
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { badRequest, issue, OperationOutcomeError, unprocessable } from '../../fhir/errors.js';
import { isRecord, type Resource } from '../../fhir/types.js';

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Library error names that mean the patch document itself is malformed (400), by the member at fault. */
const MALFORMED: Record<string, string> = {
  SEQUENCE_NOT_AN_ARRAY: '',
  OPERATION_NOT_AN_OBJECT: '',
  OPERATION_OP_INVALID: 'op',
  OPERATION_PATH_INVALID: 'path',
  OPERATION_FROM_REQUIRED: 'from',
  OPERATION_VALUE_REQUIRED: 'value',
  OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED: 'value',
};

/** Library error names that mean the patch does not fit this resource (422). */
const UNPROCESSABLE: Record<string, string> = {
  TEST_OPERATION_FAILED: 'path',
  OPERATION_PATH_UNRESOLVABLE: 'path',
  OPERATION_PATH_CANNOT_ADD: 'path',
  OPERATION_FROM_UNRESOLVABLE: 'from',
  OPERATION_VALUE_OUT_OF_BOUNDS: 'path',
  OPERATION_PATH_ILLEGAL_ARRAY_INDEX: 'path',
};

export function applyJsonPatch(resource: Resource, patch: unknown): Resource {
  const operations = checkPatchDocument(patch);
  const document = structuredClone(resource);
  let result: unknown;
  try {
    result = jsonpatch.applyPatch(document, structuredClone(operations), true, true, true).newDocument;
  } catch (err) {
    throw translate(err, operations);
  }
  if (!isRecord(result)) {
    throw unprocessable([issue('error', 'processing', 'The JSON Patch would replace the resource with a value that is not a JSON object', '')]);
  }
  return result as Resource;
}

/** Checks everything about the patch that does not depend on the resource; 400 at the first fault. */
function checkPatchDocument(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) throw badRequest('A JSON Patch document must be a JSON array of operations', '');
  patch.forEach((op: unknown, i) => {
    if (!isRecord(op)) throw badRequest(`JSON Patch operation ${i} is not a JSON object`, `[${i}]`);
    if (typeof op.op !== 'string' || !OPS.has(op.op)) {
      throw badRequest(`JSON Patch operation ${i}: 'op' must be one of ${[...OPS].join(', ')}`, `[${i}].op`);
    }
    checkPointer(op.path, i, 'path');
    if (op.op === 'move' || op.op === 'copy') checkPointer(op.from, i, 'from');
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in op)) {
      throw badRequest(`JSON Patch operation ${i} (${op.op}) has no 'value'`, `[${i}].value`);
    }
    if (op.op === 'move' && typeof op.path === 'string' && op.path.startsWith(`${op.from as string}/`)) {
      throw badRequest(`JSON Patch operation ${i}: cannot move a value into one of its own children`, `[${i}].from`);
    }
  });
  return patch as Operation[];
}

function checkPointer(pointer: unknown, i: number, member: 'path' | 'from'): void {
  if (typeof pointer !== 'string') throw badRequest(`JSON Patch operation ${i} has no '${member}' string`, `[${i}].${member}`);
  if (pointer !== '' && !pointer.startsWith('/')) {
    throw badRequest(`JSON Patch operation ${i}: '${member}' must be a JSON Pointer ('' or starting with '/')`, `[${i}].${member}`);
  }
  if (/~[^01]|~$/.test(pointer)) {
    throw badRequest(`JSON Patch operation ${i}: '${member}' has an invalid '~' escape`, `[${i}].${member}`);
  }
}

function translate(err: unknown, operations: Operation[]): OperationOutcomeError {
  if (err instanceof OperationOutcomeError) return err;
  if (err instanceof jsonpatch.JsonPatchError) {
    const i = typeof err.index === 'number' ? err.index : undefined;
    const op = i === undefined ? undefined : (operations[i] as unknown as Record<string, unknown>);
    const where = i === undefined ? '' : `[${i}]`;
    const describe = op ? `JSON Patch operation ${i} (${String(op.op)} ${JSON.stringify(op.path)})` : 'JSON Patch';
    if (err.name in UNPROCESSABLE) {
      const member = UNPROCESSABLE[err.name];
      const detail =
        err.name === 'TEST_OPERATION_FAILED'
          ? `test failed: the value at ${JSON.stringify(op?.path)} is not equal to ${JSON.stringify(op?.value)}`
          : err.name === 'OPERATION_FROM_UNRESOLVABLE'
            ? `'from' ${JSON.stringify(op?.from)} does not exist in the resource`
            : err.name === 'OPERATION_VALUE_OUT_OF_BOUNDS'
              ? 'the array index is greater than the number of elements in the array'
              : err.name === 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX'
                ? 'a step into an array is not an unsigned base-10 integer index'
                : err.name === 'OPERATION_PATH_CANNOT_ADD'
                  ? 'the parent of the path does not exist in the resource (missing objects are not created)'
                  : 'the path does not exist in the resource';
      return unprocessable([issue('error', 'processing', `${describe}: ${detail}`, `${where}.${member}`)]);
    }
    // The library's message embeds the whole document: report only its error name.
    const member = MALFORMED[err.name] ?? '';
    return badRequest(`${describe} is malformed (${err.name})`, member ? `${where}.${member}` : where);
  }
  // banPrototypeModifications throws a plain Error for __proto__ / constructor paths.
  const message = err instanceof Error ? err.message : String(err);
  return badRequest(`Invalid JSON Patch: ${message}`);
}
