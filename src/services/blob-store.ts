/**
 * Media bytes live as files in the data directory, their metadata in the store. Files are
 * fsynced before the metadata row is written, so a stored row always has its bytes.
 * Providers fetch media through signed, expiring URLs; agents through the authorised API.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadStream } from 'node:fs';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { Sealer } from '../lib/sealed.js';
import type { BlobMeta, BlobsRepo } from '../store/blobs-repo.js';

export class BlobStore {
  private readonly dir: string;
  constructor(
    private readonly deps: { dataDir: string; repo: BlobsRepo; sealer: Sealer; clock: Clock; publicUrl: string; urlTtlMs?: number },
  ) {
    this.dir = join(deps.dataDir, 'blobs');
    mkdirSync(this.dir, { recursive: true });
  }

  private pathOf(id: string): string {
    return join(this.dir, id);
  }

  async put(
    body: Buffer,
    meta: { contentType: string; fileName?: string | null; uploadedBy?: string | null; conversationId?: string | null },
  ): Promise<BlobMeta> {
    const id = newId('blob');
    const fh = await open(this.pathOf(id), 'wx', 0o600);
    try {
      await fh.writeFile(body);
      await fh.sync();
    } finally {
      await fh.close();
    }
    const blob: BlobMeta = {
      id,
      sha256: createHash('sha256').update(body).digest('hex'),
      contentType: meta.contentType,
      size: body.length,
      fileName: meta.fileName ?? null,
      uploadedBy: meta.uploadedBy ?? null,
      conversationId: meta.conversationId ?? null,
      createdAt: this.deps.clock.now(),
    };
    await this.deps.repo.insert(blob);
    return blob;
  }

  get(id: string): Promise<BlobMeta | undefined> {
    return this.deps.repo.get(id);
  }

  stream(id: string): ReadStream {
    return createReadStream(this.pathOf(id));
  }

  /** A URL a provider can fetch without credentials until it expires (default 1 hour). */
  signedUrl(id: string, variant?: 'preview'): string {
    const exp = this.deps.clock.now() + (this.deps.urlTtlMs ?? 3_600_000);
    const v = variant ?? '';
    const sig = this.deps.sealer.sign(`${id}|${v}|${exp}`);
    const q = new URLSearchParams({ exp: String(exp), sig, ...(v ? { variant: v } : {}) });
    return `${this.deps.publicUrl}/media/${encodeURIComponent(id)}?${q.toString()}`;
  }

  verifySignedUrl(id: string, variant: string, exp: string, sig: string): boolean {
    const expires = Number(exp);
    if (!Number.isFinite(expires) || expires < this.deps.clock.now()) return false;
    return this.deps.sealer.verify(`${id}|${variant}|${expires}`, sig);
  }
}
