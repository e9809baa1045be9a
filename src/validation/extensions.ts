/**
 * Extensions (R4 §2.5 Extensibility, StructureDefinition.context):
 * - an extension whose URL is in the core namespace `http://hl7.org/fhir/StructureDefinition/` but
 *   names no definition Qiao holds is an error (that namespace is closed: the spec publishes every
 *   extension in it). Unknown extensions of other domains are accepted (US Core, national IGs);
 * - a known extension definition (`type = Extension`, `derivation = constraint`) must be used where
 *   its `context` allows (`element` contexts: `Element`, a type or supertype, an element path);
 * - the instance is validated against the definition like a profile: value type and cardinality
 *   (ajv validator of the extension SD), the invariants and required bindings it adds, and the slice
 *   cardinality of a complex extension's sub-extensions.
 * Everything an extension definition needs is computed once per URL.
 */
import type { OperationOutcomeIssue } from '../fhir/types.js';
import { issue } from '../fhir/errors.js';
import type { ValidateFunction } from 'ajv';
import { typeModel, type TypeModel } from './model.js';
import { structureValidator } from './structure.js';
import { structureIssues } from './structure-issues.js';

const CORE = 'http://hl7.org/fhir/StructureDefinition/';

export interface ExtensionDefinition {
  url: string;
  model: TypeModel;
  validator: ValidateFunction | undefined;
  /** Context expressions of type `element`; undefined when any place is allowed. */
  contexts?: Set<string>;
}

/**
 * Contexts published wrongly in 4.0.1 that the specification's own definitions contradict (each is
 * used elsewhere throughout the core package), widened as the HL7 Java validator widens them.
 */
const CONTEXT_CORRECTIONS: Record<string, { add: string[]; reason: string }> = {
  [CORE + 'structuredefinition-fhir-type']: {
    add: ['ElementDefinition.type'],
    reason: 'published for ElementDefinition.type.code, while every snapshot of the spec puts it on ElementDefinition.type',
  },
  [CORE + 'regex']: { add: ['ElementDefinition.type'], reason: 'the core snapshots put it on ElementDefinition.type' },
  [CORE + 'structuredefinition-normative-version']: {
    add: ['Element'],
    reason: 'published for StructureDefinition only, while the spec uses it on every normative resource and element definition',
  },
  [CORE + 'valueset-concept-comments']: {
    add: ['CodeSystem.concept'],
    reason: 'published for ValueSet.compose.include.concept only, while the spec uses it on CodeSystem concepts (DICOM)',
  },
  [CORE + 'capabilitystatement-expectation']: { add: ['Element'], reason: 'its 4.0.1 context list is incomplete (fixed in R5)' },
  [CORE + 'capabilitystatement-prohibited']: { add: ['Element'], reason: 'its 4.0.1 context list is incomplete (fixed in R5)' },
};

const defs = new Map<string, ExtensionDefinition | null>();

/** The extension definition of a URL Qiao holds, or undefined. Cached per URL. */
export function extensionDefinition(url: string): ExtensionDefinition | undefined {
  let d = defs.get(url);
  if (d === undefined) {
    d = null;
    const model = url.includes('/') ? typeModel(url) : undefined;
    if (model && model.type === 'Extension' && model.sd.derivation === 'constraint') {
      const ctx = (model.sd as { context?: { type: string; expression: string }[] }).context ?? [];
      const element = ctx.filter((c) => c.type === 'element').map((c) => c.expression);
      element.push(...(CONTEXT_CORRECTIONS[url]?.add ?? []));
      const anywhere = ctx.length === 0 || ctx.some((c) => c.type !== 'element') || element.includes('Element');
      d = { url, model, validator: structureValidator(url), contexts: anywhere ? undefined : new Set(element) };
    }
    defs.set(url, d);
  }
  return d ?? undefined;
}

const ancestorCache = new Map<string, string[]>();

/** A type and its supertypes up to (excluding) Element/Base: `Age` → [Age, Quantity]. */
export function typeAndAncestors(type: string): string[] {
  let a = ancestorCache.get(type);
  if (!a) {
    a = [type];
    let m = typeModel(type);
    for (let depth = 0; m?.sd.baseDefinition && depth < 8; depth++) {
      const base = m.sd.baseDefinition.slice(m.sd.baseDefinition.lastIndexOf('/') + 1);
      if (base === 'Element' || base === 'Base') break;
      a.push(base);
      m = typeModel(base);
    }
    ancestorCache.set(type, a);
  }
  return a;
}

/**
 * Where an extension sits: the type of the element that carries it and the element paths it is
 * known by (its path in the resource and, inside a datatype, its path in that datatype).
 */
export interface ExtensionHost {
  type: string;
  paths: (string | undefined)[];
  /** The host is a resource (root of a resource). */
  resource: boolean;
}

function contextAllows(contexts: Set<string>, host: ExtensionHost): boolean {
  for (const p of host.paths) if (p && contexts.has(p)) return true;
  for (const t of typeAndAncestors(host.type)) if (contexts.has(t)) return true;
  if (host.resource) return contexts.has('Resource') || contexts.has('DomainResource');
  return false;
}

function describeHost(host: ExtensionHost): string {
  return [host.type, ...host.paths.filter((p): p is string => !!p && p !== host.type)].join(', ');
}

/**
 * Checks one extension's URL and place; returns its definition when the instance should also be
 * validated against it (by the caller, which knows how to walk it).
 */
export function checkExtensionUse(value: Record<string, unknown>, path: string, host: ExtensionHost, issues: OperationOutcomeIssue[]): ExtensionDefinition | undefined {
  const url = value.url;
  if (typeof url !== 'string') return undefined;
  const def = extensionDefinition(url);
  if (!def) {
    if (url.startsWith(CORE))
      issues.push(issue('error', 'structure', `The extension ${url} is not defined by FHIR R4 (unknown in the core namespace ${CORE}), so it is not allowed`, path));
    return undefined;
  }
  if (def.contexts && !contextAllows(def.contexts, host))
    issues.push(
      issue('error', 'structure', `The extension ${url} is not allowed to be used at this point (this element is [${describeHost(host)}]; allowed: ${[...def.contexts].join(', ')})`, path),
    );
  if (def.validator && !def.validator(value)) structureIssues(def.validator.errors, path, issues);
  return def;
}
