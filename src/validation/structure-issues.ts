/**
 * ajv errors → OperationOutcome issues with FHIRPath-style locations: the JSON pointer
 * `/name/0/_given/1` under `Patient` becomes `Patient.name[0].given[1]`.
 */
import type { ErrorObject } from 'ajv';
import type { OperationOutcomeIssue } from '../fhir/types.js';
import { issue } from '../fhir/errors.js';

export function pointerToPath(base: string, pointer: string): string {
  if (!pointer) return base;
  let out = base;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else out += '.' + (seg.charCodeAt(0) === 95 ? seg.slice(1) : seg);
  }
  return out;
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 80 ? s.slice(0, 77) + '...' : s;
}

export function structureIssues(errors: ErrorObject[] | null | undefined, base: string, out: OperationOutcomeIssue[]): void {
  if (!errors) return;
  for (const e of errors) {
    // the null branch of nullable primitive-extension items, and anyOf summaries, are noise
    if (e.keyword === 'anyOf' || e.schemaPath.includes('/anyOf/0/')) continue;
    const path = pointerToPath(base, e.instancePath);
    const fhirType = (e.parentSchema as { fhirType?: string } | undefined)?.fhirType;
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'additionalProperties': {
        const name = String(p.additionalProperty);
        out.push(issue('error', 'structure', `Unrecognized element '${name}'`, pointerToPath(path, '/' + name)));
        break;
      }
      case 'type':
        out.push(issue('error', 'structure', `Wrong type for ${fhirType ? `a ${fhirType}` : 'element'}: expected ${String(p.type)}, found ${show(e.data)}`, path));
        break;
      case 'pattern':
      case 'minLength':
      case 'fhirMinLength':
        out.push(issue('error', 'value', `Invalid ${fhirType ?? 'string'} value '${show(e.data)}'`, path));
        break;
      case 'minimum':
      case 'maximum':
        out.push(issue('error', 'value', `Invalid ${fhirType ?? 'number'} value ${show(e.data)}: ${e.message ?? ''}`, path));
        break;
      case 'minItems':
        out.push(
          Array.isArray(e.data) && e.data.length === 0
            ? issue('error', 'structure', 'Arrays must not be empty', path)
            : issue('error', 'structure', `Minimum cardinality ${String(p.limit)} not met (found ${Array.isArray(e.data) ? e.data.length : 0})`, path),
        );
        break;
      case 'maxItems':
        out.push(issue('error', 'structure', `Maximum cardinality ${String(p.limit)} exceeded (found ${Array.isArray(e.data) ? e.data.length : '?'})`, path));
        break;
      case 'fhirRequired':
        out.push(issue('error', 'required', `Missing required element '${String(p.missing)}' (minimum cardinality 1)`, `${path}.${String(p.missing).replace(/^_/, '')}`));
        break;
      case 'required':
        out.push(issue('error', 'required', `Missing required property '${String(p.missingProperty)}'`, path));
        break;
      case 'fhirChoice':
        out.push(issue('error', 'structure', `Only one type of a choice element is allowed: ${(p.present as string[]).join(', ')}`, path));
        break;
      case 'fhirFixed':
        out.push(issue('error', 'value', `Value ${show(e.data)} does not equal the fixed value ${show(p.expected)}`, path));
        break;
      case 'fhirPattern':
        out.push(issue('error', 'value', `Value ${show(e.data)} does not match the pattern ${show(p.expected)}`, path));
        break;
      case 'const':
        out.push(issue('error', 'structure', `Value ${show(e.data)} must be ${show(p.allowedValue)}`, path));
        break;
      case 'false schema':
        out.push(issue('error', 'structure', 'Element is not allowed here (maximum cardinality 0)', path));
        break;
      default:
        out.push(issue('error', 'structure', `${e.message ?? e.keyword}`, path));
    }
  }
}
