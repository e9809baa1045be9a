/**
 * The case record schema (conformance/case-record.schema.json), read and compiled once per process.
 * The schema is the format's single definition: the field lists used to report unknown fields are
 * read from it, so documenting a new field there is all it takes to make it known.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { packageRoot } from '../fhir/package-root.js';

interface ObjectSchema {
  properties: Record<string, unknown>;
  items?: ObjectSchema;
}

interface CaseRecordSchema extends ObjectSchema {
  properties: Record<string, unknown> & { observations: { items: ObjectSchema } };
}

let compiled: { validate: ValidateFunction; fields: Set<string>; observationFields: Set<string> } | undefined;

function load() {
  if (!compiled) {
    const schema = JSON.parse(
      readFileSync(join(packageRoot(), 'conformance', 'case-record.schema.json'), 'utf8'),
    ) as CaseRecordSchema;
    // Its own instance: validation/ is a sibling layer, and its ajv carries FHIR keywords this schema does not use.
    // allowUnionTypes: "a string or a list" is written as type ["string", "array"], which keeps one error per field.
    // strictRequired off: "code or name" is anyOf [required code, required name], properties its branches cannot see.
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    compiled = {
      validate: ajv.compile(schema),
      fields: new Set(Object.keys(schema.properties)),
      observationFields: new Set(Object.keys(schema.properties.observations.items.properties)),
    };
  }
  return compiled;
}

/** The compiled validator of a case record. */
export const caseRecordValidator = (): ValidateFunction => load().validate;

/** The fields a case record may carry, and those an observation may carry; any other is reported. */
export const knownCaseFields = (): { record: ReadonlySet<string>; observation: ReadonlySet<string> } => ({
  record: load().fields,
  observation: load().observationFields,
});
