/**
 * The instance walker: goes over the elements actually present in a resource, guided by the element
 * model, and runs what JSON Schema does not cover — invariants (native and FHIRPath), required
 * bindings, and nested resources (contained, Bundle.entry.resource, Parameters.parameter.resource),
 * which are validated as their own type. Nothing is evaluated for absent elements.
 */
import type { OperationOutcomeIssue } from '../fhir/types.js';
import { issue } from '../fhir/errors.js';
import { childrenOf, choiceType, PRIMITIVES, typeModel, type ElementNode, type TypeModel } from './model.js';
import { invariantsFor, type Runnable } from './invariants.js';
import { checkBinding } from './bindings.js';
import { checkEle1, checkExt1, checkRef1 } from './native.js';
import { checkAttachment, checkNarrativeDiv, checkPrimitiveContent, type ContentChecks } from './content-rules.js';
import { checkSlices } from './slicing.js';
import { checkCanonicalTarget, checkCoding } from './coding.js';
import { checkExtensionUse, type ExtensionHost } from './extensions.js';

type Obj = Record<string, unknown>;

export interface WalkContext {
  issues: OperationOutcomeIssue[];
  /** %resource and %rootResource for FHIRPath. */
  env: { resource: Obj; rootResource: Obj };
  /** Report warning-severity invariants too. */
  warnings: boolean;
  /**
   * When walking a profile (constraint SD): the base type's model; only what the profile adds is
   * checked (datatypes it does not expand and nested resources were covered by the base walk).
   */
  base?: TypeModel;
  /** Validates a nested resource as its own type (contained: `containedIn` is the container). */
  nested(resource: unknown, path: string, containedIn?: Obj): void;
  /** Optional content checks of primitive values (validation options); undefined when none is on. */
  checks?: ContentChecks;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function runInvariants(ctx: WalkContext, list: Runnable[], value: Obj, path: string): void {
  for (const r of list) {
    if (r.severity === 'warning' && !ctx.warnings) continue;
    if (!r.run(value, ctx.env))
      ctx.issues.push(issue(r.severity, 'invariant', `Constraint failed: ${r.key}: '${r.human}' (${r.expression})`, path));
  }
}

function baseKeys(ctx: WalkContext, node: ElementNode): Set<string> | undefined {
  if (!ctx.base) return undefined;
  const b = ctx.base.byPath.get(node.path);
  return new Set(b?.constraints.map((c) => c.key) ?? []);
}

function sameBinding(ctx: WalkContext, node: ElementNode): boolean {
  const b = ctx.base?.byPath.get(node.path)?.binding;
  return !!b && b.strength === node.binding?.strength && b.valueSet === node.binding?.valueSet;
}

let elementModel: TypeModel | undefined;

/**
 * Walks one complex element (or resource root). `def` is the element definition the instance is
 * an occurrence of; `node` the node whose children describe its content (the same for backbone
 * elements, the datatype's root for datatypes, the target for contentReference).
 */
export function walkElement(
  ctx: WalkContext,
  model: TypeModel,
  node: ElementNode,
  type: string,
  value: Obj,
  path: string,
  def?: { model: TypeModel; node: ElementNode },
  host?: ExtensionHost,
): void {
  if (def) checkEle1(value, path, ctx.issues);
  if (type === 'Extension') checkExt1(value, path, ctx.issues);
  else if (type === 'Reference') checkRef1(value, path, ctx.env.rootResource, ctx.env.resource, ctx.issues);
  else if (ctx.base) {
    // profile walk: content rules were checked by the base walk
  } else if (type === 'Narrative') checkNarrativeDiv(value.div, path, ctx.issues);
  else if (type === 'Attachment') checkAttachment(value, path, ctx.issues);
  else if (type === 'Coding') checkCoding(value, path, ctx.issues);
  if (def && def.node !== node) runInvariants(ctx, invariantsFor(def.model, def.node, type, baseKeys(ctx, def.node)), value, path);
  runInvariants(ctx, invariantsFor(model, node, type, baseKeys(ctx, node)), value, path);

  const children = node.children;
  if (!children) return;
  if (node.sliced) checkSlices(value, node.sliced, path, ctx.issues);
  for (const key in value) {
    const ext = key.charCodeAt(0) === 95;
    const name = ext ? key.slice(1) : key;
    const child = children.get(name);
    if (!child) continue;
    const v = value[key];
    const childPath = path + '.' + name;
    const childType = child.choice ? choiceType(child, name) : child.contentReference ? 'BackboneElement' : (child.types[0] ?? 'BackboneElement');
    if (ext) {
      // `_x`: the id/extensions of a primitive; walk as Element (extensions carry values and invariants)
      if (ctx.base) continue;
      elementModel ??= typeModel('Element');
      if (!elementModel) continue;
      const items = Array.isArray(v) ? v : [v];
      const primitiveHost: ExtensionHost = { type: childType, paths: [child.path, def && def.node !== node ? `${def.node.path}.${name}` : undefined], resource: false };
      items.forEach((item, i) => {
        if (isObj(item))
          walkElement(ctx, elementModel!, elementModel!.root, 'Element', item, Array.isArray(v) ? `${childPath}[${i}]` : childPath, { model: elementModel!, node: elementModel!.root }, primitiveHost);
      });
      continue;
    }
    const binding = child.binding?.strength === 'required' && child.binding.valueSet && !sameBinding(ctx, child) ? child.binding.valueSet : undefined;
    const array = Array.isArray(v);
    const items = array ? (v as unknown[]) : [v];
    if (PRIMITIVES.has(childType)) {
      const exts = value['_' + name];
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        const at = array ? `${childPath}[${i}]` : childPath;
        if (item === null) {
          if (array && !(Array.isArray(exts) && isObj(exts[i])))
            ctx.issues.push(issue('error', 'invariant', `Constraint failed: ele-1: 'All FHIR elements must have a @value or children'`, at));
        } else {
          if (binding) checkBinding(binding, childType, item, at, ctx.issues);
          if (child.targets && childType === 'canonical' && typeof item === 'string' && !ctx.base) checkCanonicalTarget(item, child.targets, at, ctx.issues);
          if (ctx.checks && typeof item === 'string' && !ctx.base) checkPrimitiveContent(ctx.checks, childType, item, at, ctx.issues);
        }
      }
      continue;
    }
    if (childType === 'Resource') {
      if (ctx.base) continue;
      items.forEach((item, i) => ctx.nested(item, array ? `${childPath}[${i}]` : childPath, name === 'contained' ? ctx.env.resource : undefined));
      continue;
    }
    const res = childrenOf(model, child, childType);
    const extensionHost =
      childType === 'Extension' && !ctx.base
        ? (host ?? { type, paths: [node.path, def?.node.path], resource: model.kind === 'resource' && node === model.root })
        : undefined;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (!isObj(item)) continue;
      const at = array ? `${childPath}[${i}]` : childPath;
      if (extensionHost) {
        const extDef = checkExtensionUse(item, at, extensionHost, ctx.issues);
        if (extDef && res) {
          walkElement(ctx, res.model, res.node, childType, item, at, { model, node: child });
          walkElement({ ...ctx, base: res.model }, extDef.model, extDef.model.root, 'Extension', item, at);
          continue;
        }
      }
      if (binding) checkBinding(binding, childType, item, at, ctx.issues);
      if (!res) continue;
      if (ctx.base && res.model !== model) {
        // a datatype the profile does not expand: only the element's own (profile) invariants
        runInvariants(ctx, invariantsFor(model, child, childType, baseKeys(ctx, child)), item, at);
        continue;
      }
      walkElement(ctx, res.model, res.node, childType, item, at, { model, node: child });
    }
  }
}
