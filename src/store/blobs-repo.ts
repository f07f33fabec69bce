import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface BlobMeta {
  id: string;
  sha256: string;
  contentType: string;
  size: number;
  fileName: string | null;
  uploadedBy: string | null;
  conversationId: string | null;
  createdAt: number;
}

export class BlobsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(b: BlobMeta): Promise<void> {
    await this.db
      .insertInto('blobs')
      .values({
        id: b.id,
        sha256: b.sha256,
        content_type: b.contentType,
        size: b.size,
        file_name: b.fileName,
        uploaded_by: b.uploadedBy,
        conversation_id: b.conversationId,
        created_at: b.createdAt,
      })
      .execute();
  }

  async get(id: string): Promise<BlobMeta | undefined> {
    const r = await this.db.selectFrom('blobs').selectAll().where('id', '=', id).executeTakeFirst();
    return (
      r && {
        id: r.id,
        sha256: r.sha256,
        contentType: r.content_type,
        size: Number(r.size),
        fileName: r.file_name,
        uploadedBy: r.uploaded_by,
        conversationId: r.conversation_id,
        createdAt: r.created_at,
      }
    );
  }

  async attachToConversation(id: string, conversationId: string): Promise<void> {
    await this.db.updateTable('blobs').set({ conversation_id: conversationId }).where('id', '=', id).execute();
  }
}
