/**
 * How the FHIR API is guarded: the bearer-token verifier (Qiao's own SMART server or an external
 * issuer), and the few endpoints that stay open without a token because clients need them to find the
 * authorization server: the CapabilityStatement and the SMART configuration (conformance.html).
 */
import type { BearerVerifier } from '../auth/auth-server.js';
import { authUrls } from '../auth/auth-server.js';
import { capabilitySecurity, smartConfiguration } from '../auth/discovery.js';
import type { FhirRequest, FhirResult } from '../interactions/types.js';
import { methodNotAllowed } from '../fhir/errors.js';
import type { Resource } from '../fhir/types.js';

export interface FhirSecurity {
  /** Checks each request's bearer token; absent when auth is off. */
  verifier?: BearerVerifier;
  /** Whether Qiao's own authorization server issues the tokens (discovery points at it). */
  ownServer: boolean;
  /** External-issuer mode: the issuer named in the CapabilityStatement. */
  externalIssuer?: string;
}

interface OpenHandler {
  run(dispatch: () => Promise<FhirResult>): Promise<FhirResult>;
}

export function isSmartConfiguration(path: string[]): boolean {
  return path.length === 2 && path[0] === '.well-known' && path[1] === 'smart-configuration';
}

/** The handler for a request that needs no token, or undefined when the request must carry one. */
export function openEndpoint(security: FhirSecurity, req: FhirRequest, fhirBase: string): OpenHandler | undefined {
  const { path } = req;
  if (path.length === 1 && path[0] === 'metadata') {
    return {
      run: async (dispatch) => {
        const result = await dispatch();
        return result.resource ? { ...result, resource: withSecurity(result.resource, security, fhirBase) } : result;
      },
    };
  }
  if (security.ownServer && isSmartConfiguration(path)) {
    return {
      run: async () => {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed('The SMART configuration supports GET only', ['GET', 'HEAD']);
        return { status: 200, json: JSON.stringify(smartConfiguration(authUrls(fhirBase))) };
      },
    };
  }
  return undefined;
}

/** CapabilityStatement.rest.security (copied: the statement itself is cached and shared). */
function withSecurity(cs: Resource, security: FhirSecurity, fhirBase: string): Resource {
  const rest = (cs.rest as Record<string, unknown>[] | undefined) ?? [];
  if (!rest.length || !security.verifier) return cs;
  const described = security.ownServer
    ? capabilitySecurity(authUrls(fhirBase))
    : { cors: true, description: `Bearer access tokens (RFC 9068 JWTs) issued by ${security.externalIssuer ?? 'the configured issuer'} for audience ${fhirBase}.` };
  return { ...cs, rest: [{ ...rest[0], security: described }, ...rest.slice(1)] };
}
