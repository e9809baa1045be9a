/** GET /metrics: request counts and latency by interaction, type and status; database timings; audit queue; inference; process metrics. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main.js';
import { FHIR_JSON, patient, startTestServer } from '../helpers/server.js';
import { scrape, valueOf } from './prometheus.js';

const REQUESTS = 'qiao_http_requests_total';
const DURATION = 'qiao_http_request_duration_seconds';

describe('GET /metrics', () => {
  let server: RunningServer;
  let created: string;

  beforeAll(async () => {
    server = await startTestServer();
    const res = await fetch(`${server.fhirBase}/Patient`, { method: 'POST', headers: { 'Content-Type': FHIR_JSON }, body: JSON.stringify(patient('Metrics')) });
    expect(res.status).toBe(201);
    created = ((await res.json()) as { id: string }).id;
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.fhirBase}/Patient/${created}`)).status).toBe(200);
    expect((await fetch(`${server.fhirBase}/Patient/does-not-exist`)).status).toBe(404);
    expect((await fetch(`${server.fhirBase}/Patient?name=Metrics`)).status).toBe(200);
    expect((await fetch(`${server.fhirBase}/Patient/$validate`, { method: 'POST', headers: { 'Content-Type': FHIR_JSON }, body: JSON.stringify(patient('V')) })).status).toBe(200);
    // Path segments that are no resource type or operation must not become label values.
    expect((await fetch(`${server.fhirBase}/WangWeiNotAType`)).status).toBe(404);
    expect((await fetch(`${server.fhirBase}/Patient/${created}/$madeUpOperationXyz`, { method: 'POST' })).status).toBeGreaterThanOrEqual(400);
  });
  afterAll(() => server.close());

  it('is Prometheus text format 0.0.4, without authentication', async () => {
    const res = await scrape(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toContain('# TYPE qiao_http_requests_total counter');
    expect(res.text).toContain('# TYPE qiao_http_request_duration_seconds histogram');
  });

  it('counts requests by interaction, resource type and status', async () => {
    const { samples } = await scrape(`${server.url}/metrics`);
    expect(valueOf(samples, REQUESTS, { interaction: 'create', resource_type: 'Patient', status: '201' })).toBe(1);
    expect(valueOf(samples, REQUESTS, { interaction: 'read', resource_type: 'Patient', status: '200' })).toBe(3);
    expect(valueOf(samples, REQUESTS, { interaction: 'read', resource_type: 'Patient', status: '404' })).toBe(1);
    expect(valueOf(samples, REQUESTS, { interaction: 'search-type', resource_type: 'Patient', status: '200' })).toBe(1);
    expect(valueOf(samples, REQUESTS, { interaction: 'operation', resource_type: 'Patient', status: '200' })).toBe(1);
    expect(valueOf(samples, 'qiao_fhir_operations_total', { operation: 'validate', status: '200' })).toBe(1);
    expect(valueOf(samples, 'qiao_fhir_operations_total', { operation: 'other' })).toBe(1);
    expect(valueOf(samples, REQUESTS, { resource_type: 'other', status: '404' })).toBe(1);
  });

  it('keeps request data out of label values', async () => {
    const { text } = await scrape(`${server.url}/metrics`);
    expect(text).not.toContain('WangWeiNotAType');
    expect(text).not.toContain('madeUpOperationXyz');
    expect(text).not.toContain(created);
    expect(text).not.toContain('Metrics"');
  });

  it('has latency histograms with cumulative buckets', async () => {
    const { samples } = await scrape(`${server.url}/metrics`);
    const labels = { interaction: 'read', resource_type: 'Patient', status: '200' };
    expect(valueOf(samples, `${DURATION}_count`, labels)).toBe(3);
    expect(valueOf(samples, `${DURATION}_bucket`, { ...labels, le: '+Inf' })).toBe(3);
    expect(valueOf(samples, `${DURATION}_sum`, labels)).toBeGreaterThan(0);
    const buckets = samples.filter((s) => s.name === `${DURATION}_bucket` && s.labels.interaction === 'read' && s.labels.status === '200');
    expect(buckets.length).toBeGreaterThan(5);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
  });

  it('times database operations', async () => {
    const { samples } = await scrape(`${server.url}/metrics`);
    expect(valueOf(samples, 'qiao_db_operation_duration_seconds_count', { operation: 'read' })).toBeGreaterThanOrEqual(4);
    expect(valueOf(samples, 'qiao_db_operation_duration_seconds_count', { operation: 'search' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'qiao_db_operation_duration_seconds_count', { operation: 'transaction' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'qiao_db_operation_duration_seconds_bucket', { operation: 'transaction', le: '+Inf' })).toBeGreaterThanOrEqual(1);
  });

  it('has process metrics', async () => {
    const { samples } = await scrape(`${server.url}/metrics`);
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('reads the audit queue depth from the audit queue', async () => {
    // The server's own audit queue is registered at start; its depth is whatever reads are still queued.
    expect(valueOf((await scrape(`${server.url}/metrics`)).samples, 'qiao_audit_queue_depth')).toBeGreaterThanOrEqual(0);
    server.metrics.setAuditQueueDepth(() => 7);
    expect(valueOf((await scrape(`${server.url}/metrics`)).samples, 'qiao_audit_queue_depth')).toBe(7);
    server.metrics.setAuditQueueDepth(() => 0);
  });

  it('records inference calls and their latency by model and outcome', async () => {
    server.metrics.recordInference('test-model', 'success', 0.02);
    await server.metrics.timeInference('test-model', async () => 'ok');
    await expect(server.metrics.timeInference('test-model', () => Promise.reject(new Error('model failed')))).rejects.toThrow('model failed');
    const { samples } = await scrape(`${server.url}/metrics`);
    expect(valueOf(samples, 'qiao_inference_requests_total', { model: 'test-model', outcome: 'success' })).toBe(2);
    expect(valueOf(samples, 'qiao_inference_requests_total', { model: 'test-model', outcome: 'error' })).toBe(1);
    expect(valueOf(samples, 'qiao_inference_duration_seconds_count', { model: 'test-model', outcome: 'success' })).toBe(2);
    expect(valueOf(samples, 'qiao_inference_duration_seconds_bucket', { model: 'test-model', outcome: 'success', le: '0.05' })).toBe(2);
  });

  it('keeps each server its own counts (one registry per server)', async () => {
    const other = await startTestServer();
    try {
      const { samples } = await scrape(`${other.url}/metrics`);
      expect(valueOf(samples, REQUESTS, { interaction: 'read', resource_type: 'Patient', status: '200' })).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});

describe('--metrics-port', () => {
  it('serves /metrics on its own port, and no longer on the main one', async () => {
    const server = await startTestServer({ metricsPort: 0 });
    try {
      expect(server.metricsUrl).toBeDefined();
      expect(server.metricsUrl).not.toBe(server.url);
      await fetch(`${server.fhirBase}/metadata`);
      const res = await scrape(`${server.metricsUrl}/metrics`);
      expect(res.status).toBe(200);
      expect(valueOf(res.samples, REQUESTS, { interaction: 'capabilities', status: '200' })).toBe(1);
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
      // Probes may use either port.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.metricsUrl}/readyz`)).status).toBe(200);
      expect((await fetch(`${server.metricsUrl}/fhir/metadata`)).status).toBe(404);
    } finally {
      await server.close();
    }
    await expect(fetch(`${server.metricsUrl}/metrics`)).rejects.toThrow();
  });
});
