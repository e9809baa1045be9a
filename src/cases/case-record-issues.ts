/**
 * ajv errors of the case record schema → OperationOutcome issues a hospital's data team can act on:
 * each names the field as a FHIRPath-style expression (`observations[1].value`) and says what it must be,
 * in words rather than in JSON Schema keywords.
 */
import type { ErrorObject } from 'ajv';
import { issue } from '../fhir/errors.js';
import type { OperationOutcomeIssue } from '../fhir/types.js';

/** A path of keys and indexes as an expression: `observations[1].value`; keys that are not identifiers in backticks. */
export function expressionOf(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg) ? seg : `\`${seg.replace(/`/g, '\\`')}\``;
      out += out ? `.${name}` : name;
    }
  }
  return out;
}

function pathOf(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  'string,array': 'a string or a list of strings',
  'number,string': 'a number or a string holding a number',
  array: 'a list',
  object: 'an object',
};

// Patterns other than "not blank" are dates and numbers; the field says which.
const PATTERN_WORDS: Record<string, string> = {
  birth_date: 'a date: YYYY, YYYY-MM or YYYY-MM-DD',
  recorded_at: 'a FHIR dateTime: YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a time zone (Z or +08:00)',
  date: 'a FHIR dateTime: YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a time zone (Z or +08:00)',
  value: 'a number (such as 5.6)',
};

function describe(e: ErrorObject, path: (string | number)[]): { code: string; text: string; path: (string | number)[] } {
  const field = [...path].reverse().find((s) => typeof s === 'string');
  switch (e.keyword) {
    case 'required': {
      const missing = String(e.params.missingProperty);
      return { code: 'required', text: `\`${missing}\` is required`, path: [...path, missing] };
    }
    case 'anyOf':
      return { code: 'required', text: 'an observation needs a `code` or a `name`', path };
    case 'type': {
      if (path.length === 0) return { code: 'structure', text: 'a case record must be a JSON object', path };
      const words = TYPE_WORDS[String(e.params.type)] ?? String(e.params.type);
      // A numeric patient id is the common mistake; say why it is refused.
      const hint = field === 'patient_id' && path.length === 1 ? ' (quote numeric ids: JSON numbers lose leading zeros)' : '';
      return { code: 'structure', text: `must be ${words}${hint}`, path };
    }
    case 'enum':
      return { code: 'code-invalid', text: `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`, path };
    case 'pattern': {
      const words = e.params.pattern === '\\S' ? undefined : PATTERN_WORDS[String(field)];
      return { code: 'value', text: words ? `must be ${words}` : 'must not be empty or blank', path };
    }
    default:
      return { code: 'invalid', text: e.message ?? e.keyword, path };
  }
}

/** The issues of a failed validation; the branch errors of anyOf are folded into its one message. */
export function schemaIssues(errors: readonly ErrorObject[]): OperationOutcomeIssue[] {
  const out: OperationOutcomeIssue[] = [];
  for (const e of errors) {
    if (e.schemaPath.includes('/anyOf/')) continue;
    const d = describe(e, pathOf(e.instancePath));
    const where = expressionOf(d.path);
    out.push(issue('error', d.code, where ? `${where}: ${d.text}` : d.text, where || undefined));
  }
  return out;
}
