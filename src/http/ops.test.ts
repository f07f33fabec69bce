/**
 * Operations routes through `app.inject()` on a real hub (SQLite, no socket, no workers):
 * health, metrics, the OpenAPI document, and the signed media URLs providers fetch.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/stores.js';
import { VIDEO_PREVIEW_PNG } from './video-preview.js';
import { loadConfig } from '../config.js';
import { createHub, type Hub } from '../hub.js';
import { ManualClock } from '../lib/clock.js';
import { createLogger } from '../lib/logger.js';
import { Sealer } from '../lib/sealed.js';
import { BlobStore } from '../services/blob-store.js';
import { BlobsRepo } from '../store/blobs-repo.js';
import { VERSION } from '../version.js';

let db: TestDatabase;
let hub: Hub;
let clock: ManualClock;
let blobs: BlobStore;

beforeEach(async () => {
  db = await createTestDatabase('sqlite');
  clock = new ManualClock();
  const config = loadConfig({}, { dataDir: db.dataDir, databaseUrl: db.url, port: 8080, publicUrl: 'https://hub.example.test' });
  hub = await createHub({ config, clock, logger: createLogger('silent'), workers: false });
  // The blob store the hub builds, rebuilt over the same data dir, table and key.
  blobs = new BlobStore({
    dataDir: config.dataDir,
    repo: new BlobsRepo(hub.store.db),
    sealer: new Sealer(config.secretKey),
    clock,
    publicUrl: config.publicUrl,
  });
});
afterEach(async () => {
  await hub.close().catch(() => undefined);
  await db.drop();
});

const pathOf = (url: string) => url.slice('https://hub.example.test'.length);

describe('GET /healthz', () => {
  it('answers 200 with the store and version', async () => {
    const res = await hub.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', store: 'sqlite', version: VERSION });
  });

  it('answers 503 when the store cannot be reached', async () => {
    await hub.store.db.destroy();
    const res = await hub.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'unavailable', store: 'sqlite' });
  });
});

describe('GET /metrics', () => {
  it('is Prometheus text with the hub metrics and process metrics under the switchboard_ prefix', async () => {
    const res = await hub.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('# TYPE switchboard_ingest_batch_size histogram');
    expect(res.body).toContain('# TYPE switchboard_webhooks_received_total counter');
    expect(res.body).toMatch(/^switchboard_process_cpu_user_seconds_total /m);
  });

  it('counts what happened in this hub only', async () => {
    hub.metrics.deliveryAttempts.inc({ channel: 'line' }, 3);
    const res = await hub.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).toMatch(/^switchboard_delivery_attempts_total\{channel="line"\} 3$/m);
  });
});

describe('GET /api/openapi.json', () => {
  it('is public, OpenAPI 3.1, and its server is the public URL', async () => {
    const res = await hub.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'https://hub.example.test' }]);
    expect(doc.info.version).toBe(VERSION);
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      expect(path).not.toContain(':');
      for (const op of Object.values(methods)) {
        expect(op['x-roles']).toBeInstanceOf(Array);
        expect(op.security).toEqual(op['x-roles'].length === 0 ? [] : [{ session: [] }, { token: [] }]);
      }
    }
  });
});

describe('GET /media/:id (signed, expiring URLs for providers)', () => {
  it('serves the bytes for a valid signature until the link expires', async () => {
    const png = VIDEO_PREVIEW_PNG;
    const blob = await blobs.put(png, { contentType: 'image/png' });
    const url = pathOf(blobs.signedUrl(blob.id));
    const ok = await hub.app.inject({ method: 'GET', url });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toBe('image/png');
    expect(ok.headers['x-content-type-options']).toBe('nosniff');
    expect(ok.rawPayload.equals(png)).toBe(true);

    clock.advance(3_600_001);
    const expired = await hub.app.inject({ method: 'GET', url });
    expect(expired.statusCode).toBe(403);
  });

  it('refuses a forged, missing or moved signature', async () => {
    const a = await blobs.put(Buffer.from('%PDF-1.4 a'), { contentType: 'application/pdf' });
    const b = await blobs.put(Buffer.from('%PDF-1.4 b'), { contentType: 'application/pdf' });
    const url = new URL(blobs.signedUrl(a.id));
    const sig = url.searchParams.get('sig')!;
    const exp = url.searchParams.get('exp')!;
    for (const bad of [
      `/media/${a.id}?exp=${exp}&sig=forged`,
      `/media/${a.id}?exp=${exp}`,
      `/media/${a.id}`,
      `/media/${b.id}?exp=${exp}&sig=${sig}`, // a's signature on b
      `/media/${a.id}?exp=${Number(exp) + 1000}&sig=${sig}`, // a longer life
      `/media/${a.id}?exp=${exp}&sig=${sig}&variant=preview`, // another variant
    ]) {
      const res = await hub.app.inject({ method: 'GET', url: bad });
      expect(res.statusCode, bad).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
  });

  it('answers 404 for a correctly signed id with no blob, and a PNG preview for non-images', async () => {
    const missing = await hub.app.inject({ method: 'GET', url: pathOf(blobs.signedUrl('blob_missing')) });
    expect(missing.statusCode).toBe(404);
    const video = await blobs.put(Buffer.from('not really mp4'), { contentType: 'video/mp4' });
    const preview = await hub.app.inject({ method: 'GET', url: pathOf(blobs.signedUrl(video.id, 'preview')) });
    expect(preview.statusCode).toBe(200);
    expect(preview.headers['content-type']).toBe('image/png');
    expect(preview.rawPayload.equals(VIDEO_PREVIEW_PNG)).toBe(true);
  });
});
