/** The public FHIR base URL of a request: the configured one, else derived from the Host header. */
export const FHIR_PATH = '/fhir';

export function fhirBaseFor(configured: string | undefined, host: string | undefined): string {
  return configured ?? `http://${host ?? 'localhost'}${FHIR_PATH}`;
}
