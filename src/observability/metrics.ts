/**
 * Qiao's Prometheus metrics (GET /metrics), one registry per server: tests run many servers in one
 * process, and prom-client's global registry would mix their counts (and refuse a second definition).
 * Labels carry only bounded values (labels.ts), never anything from a resource.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { oauthErrorLabel } from './labels.js';

/**
 * Process metrics (CPU, memory, event-loop lag, GC: prom-client's defaults, under their standard names)
 * describe the process, not a server, and their collectors (a perf_hooks observer, an event-loop
 * monitor) are never released: one registry for them per process, whatever the number of servers.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Seconds: from a cached read (~0.1 ms) to a large transaction Bundle or a slow search. */
const REQUEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const DB_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Model inference: from a rule set (sub-millisecond) to a large model (seconds). */
const INFERENCE_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Where an authorization failure happened: the FHIR API (401/403) or an endpoint of the authorization server. */
export type AuthFailureEndpoint = 'fhir' | 'token' | 'introspect' | 'revoke' | 'authorize';

export type InferenceOutcome = 'success' | 'error' | 'refused';

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'qiao_http_requests_total',
    help: 'FHIR requests answered, by interaction, resource type and HTTP status',
    labelNames: ['interaction', 'resource_type', 'status'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'qiao_http_request_duration_seconds',
    help: 'Time from receiving a FHIR request to answering it, by interaction, resource type and HTTP status',
    labelNames: ['interaction', 'resource_type', 'status'] as const,
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });
  readonly operations = new Counter({
    name: 'qiao_fhir_operations_total',
    help: 'FHIR operations ($validate, $everything, ...) answered, by operation code and HTTP status',
    labelNames: ['operation', 'status'] as const,
    registers: [this.registry],
  });
  readonly dbDuration = new Histogram({
    name: 'qiao_db_operation_duration_seconds',
    help: 'Time spent in the database by store operation (read, vread, search, history, transaction, reindex, ping)',
    labelNames: ['operation'] as const,
    buckets: DB_BUCKETS,
    registers: [this.registry],
  });
  readonly dbErrors = new Counter({
    name: 'qiao_db_operation_errors_total',
    help: 'Store operations that failed (not counting a request\'s own 4xx rolling a transaction back), by operation',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'qiao_auth_failures_total',
    help: 'Authorization failures: FHIR requests refused (missing_token, invalid_token, forbidden), token/introspect/revoke errors by OAuth error code, failed or throttled logins',
    labelNames: ['endpoint', 'reason'] as const,
    registers: [this.registry],
  });
  readonly inferenceRequests = new Counter({
    name: 'qiao_inference_requests_total',
    help: 'Model inference calls, by model and outcome (success, error, refused)',
    labelNames: ['model', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly inferenceDuration = new Histogram({
    name: 'qiao_inference_duration_seconds',
    help: 'Model inference latency, by model and outcome',
    labelNames: ['model', 'outcome'] as const,
    buckets: INFERENCE_BUCKETS,
    registers: [this.registry],
  });
  private auditQueueDepth: () => number = () => 0;

  constructor() {
    const depth = () => this.auditQueueDepth();
    new Gauge({
      name: 'qiao_audit_queue_depth',
      help: 'AuditEvents recorded but not yet written (0 until the audit queue registers its depth)',
      registers: [this.registry],
      collect() {
        this.set(depth());
      },
    });
    processMetrics();
  }

  /** The audit layer's queue reports its depth here (wired in main.ts: audit may not import this layer). */
  setAuditQueueDepth(depth: () => number): void {
    this.auditQueueDepth = depth;
  }

  authFailure(endpoint: AuthFailureEndpoint, reason: string): void {
    this.authFailures.inc({ endpoint, reason });
  }

  /** A refusal of the authorization server: an OAuth error code (bounded to the known ones), or a login page's failure. */
  authServerFailure(endpoint: Exclude<AuthFailureEndpoint, 'fhir'>, reason: string): void {
    const known = endpoint === 'authorize' ? (reason === 'login_throttled' ? reason : 'login_failure') : oauthErrorLabel(reason);
    this.authFailure(endpoint, known);
  }

  /**
   * One model inference call (issue 8's inference layer calls this through a callback main.ts hands it:
   * inference sits below this layer and may not import it). `model` must come from the model registry
   * (a fixed set), never from the request.
   */
  recordInference(model: string, outcome: InferenceOutcome, seconds: number): void {
    this.inferenceRequests.inc({ model, outcome });
    this.inferenceDuration.observe({ model, outcome }, seconds);
  }

  /** Times one inference call: `success` when it resolves, `error` when it throws (and rethrows). */
  async timeInference<T>(model: string, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await run();
      this.recordInference(model, 'success', (performance.now() - started) / 1000);
      return result;
    } catch (err) {
      this.recordInference(model, 'error', (performance.now() - started) / 1000);
      throw err;
    }
  }

  /** The exposition text, and its content type (text/plain; version=0.0.4). */
  async text(): Promise<string> {
    return (await this.registry.metrics()) + '\n' + (await processMetrics().metrics());
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
