/**
 * Contract of the validator: `validateResource` is what the rest of the server calls (on every write
 * and by `$validate`). Validation is driven by StructureDefinitions: the base type's, those the
 * resource claims in `meta.profile` and those the caller names. For each SD:
 * - structure (unknown elements, types, primitive formats, cardinality, choice types, fixed and
 *   pattern values) through the ajv validator generated from its snapshot (structure.ts);
 * - invariants, required bindings and nested resources through the walker (walk.ts).
 * All issues are reported at once, with FHIRPath-style locations.
 */
import type { OperationOutcomeIssue } from '../fhir/types.js';
import { isRecord } from '../fhir/types.js';
import { issue } from '../fhir/errors.js';
import { definitions } from '../fhir/definitions.js';
import { typeModel } from './model.js';
import { structureValidator } from './structure.js';
import { structureIssues } from './structure-issues.js';
import { walkElement, type WalkContext } from './walk.js';
import type { ContentChecks } from './content-rules.js';
import { checkDomainResource } from './native.js';
import { checkBundle } from './content-rules.js';
import { checkResourceRules } from './resource-rules.js';

export interface ValidateOptions {
  /** Profiles (canonical URLs) to validate against besides the base type and meta.profile. */
  profiles?: string[];
  /**
   * Whether URLs at the example domains (example.org, acme.com) are acceptable (default true, as the
   * spec's own examples use them). False for production content: such URLs are errors.
   */
  allowExampleUrls?: boolean;
  /** Security checks: strings (other than markdown and narrative) that contain HTML tags are errors (default false). */
  securityChecks?: boolean;
  /** Markdown that contains (unescaped) HTML tags is an error (default false). */
  noHtmlInMarkdown?: boolean;
  /** Whether contained resources are validated, and dom-3 (they are referenced) checked (default true). */
  validateContained?: boolean;
  /**
   * Severity of a code that a complete CodeSystem Qiao holds does not define, where no required binding
   * applies (required bindings are always errors). 'error' (default) as the HL7 validator reports it;
   * writes use 'warning', so that producers' slips in preferred or example bindings (Synthea sends
   * observation-category 'vital-sign') do not block clinical data.
   */
  unknownCodes?: 'error' | 'warning';
}

const CORE = 'http://hl7.org/fhir/StructureDefinition/';
const DOMAIN_RESOURCE = CORE + 'DomainResource';

type Obj = Record<string, unknown>;

function contentChecks(o: ValidateOptions): ContentChecks | undefined {
  const c: ContentChecks = { exampleUrls: o.allowExampleUrls === false, htmlInStrings: !!o.securityChecks, htmlInMarkdown: !!o.noHtmlInMarkdown };
  return c.exampleUrls || c.htmlInStrings || c.htmlInMarkdown ? c : undefined;
}

function validateTyped(resource: unknown, path: string | undefined, issues: OperationOutcomeIssue[], extraProfiles: string[], options: ValidateOptions, containedIn?: Obj): void {
  if (!isRecord(resource)) {
    issues.push(issue('error', 'structure', 'A resource must be a JSON object', path));
    return;
  }
  const type = resource.resourceType;
  if (typeof type !== 'string' || !definitions().isResourceType(type)) {
    issues.push(issue('error', 'structure', `Unknown resourceType '${String(type)}'`, path ? `${path}.resourceType` : 'resourceType'));
    return;
  }
  const at = path ?? type;
  const model = typeModel(type);
  const validator = structureValidator(type);
  if (!model || !validator) {
    issues.push(issue('error', 'not-supported', `No StructureDefinition for resource type '${type}'`, at));
    return;
  }
  if (!validator(resource)) structureIssues(validator.errors, at, issues);
  const ctx: WalkContext = {
    issues,
    env: { resource, rootResource: containedIn ?? resource },
    warnings: true,
    nested: (r, p, container) => {
      if (container && options.validateContained === false) return;
      validateTyped(r, p, issues, [], options, container);
    },
    checks: contentChecks(options),
    unknownCodes: options.unknownCodes ?? 'error',
  };
  walkElement(ctx, model, model.root, type, resource, at);
  if (model.sd.baseDefinition === DOMAIN_RESOURCE) checkDomainResource(resource, at, issues, containedIn !== undefined, options.validateContained !== false);
  else if (type === 'Bundle') checkBundle(resource, at, issues);
  if (type === 'SearchParameter' || type === 'CapabilityStatement') checkResourceRules(resource, type, at, issues);

  const meta = resource.meta;
  const claimed = isRecord(meta) && Array.isArray(meta.profile) ? meta.profile.filter((p): p is string => typeof p === 'string') : [];
  if (claimed.length === 0 && extraProfiles.length === 0) return; // the usual case: no profile walk
  for (const url of new Set([...claimed, ...extraProfiles])) {
    const canonical = url.split('|')[0];
    if (canonical === CORE + type) continue;
    const profile = typeModel(canonical);
    if (!profile) {
      issues.push(issue('warning', 'not-found', `Profile '${url}' is unknown to this server; not validated against it`, `${at}.meta.profile`));
      continue;
    }
    if (profile.type !== type) {
      issues.push(issue('error', 'invalid', `Profile '${url}' is for type '${profile.type}', not '${type}'`, at));
      continue;
    }
    const pv = structureValidator(canonical);
    if (pv && !pv(resource)) structureIssues(pv.errors, at, issues);
    walkElement({ ...ctx, base: model }, profile, profile.root, type, resource, at);
  }
}

const dedupeKey = (i: OperationOutcomeIssue) => `${i.severity}|${i.code}|${i.diagnostics ?? ''}|${(i.expression ?? []).join(',')}`;

function dedupe(issues: OperationOutcomeIssue[]): OperationOutcomeIssue[] {
  if (issues.length < 2) return issues;
  if (issues.length === 2) {
    // the usual case on ingest (dom-6 and a display warning): no Set, no copy when distinct
    return dedupeKey(issues[0]) === dedupeKey(issues[1]) ? [issues[0]] : issues;
  }
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = dedupeKey(i);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Validates a resource; returns every issue found (errors, warnings, information), never throws for bad input. */
export function validateResource(resource: unknown, options: ValidateOptions = {}): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  try {
    validateTyped(resource, undefined, issues, options.profiles ?? [], options);
  } catch (e) {
    issues.push(issue('error', 'exception', `Validation failed unexpectedly: ${(e as Error).message}`));
  }
  return dedupe(issues);
}
