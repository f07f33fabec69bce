/**
 * Durability for the SQLite store without blocking the event loop. better-sqlite3 runs on the
 * main thread, so with `synchronous = FULL` every commit's fsync (milliseconds on a real disk)
 * stopped the whole hub: no request was read while the disk worked. Instead the connection runs
 * with `synchronous = NORMAL` (in WAL mode a commit is written to the WAL file, not yet flushed)
 * and whoever must not answer before the data is on disk awaits `sync()`: an fsync of the WAL file
 * on libuv's thread pool. Callers that arrive while one fsync runs share the next one, so a burst
 * of commits costs two fsyncs at most, and the hub keeps working meanwhile.
 *
 * SQLite itself still syncs the WAL before every checkpoint copies it into the database file, so
 * the database never holds a page the WAL did not have on disk first.
 */
import { constants, promises as fs } from 'node:fs';
import { dirname } from 'node:path';

export class WalSync {
  private handle: fs.FileHandle | undefined;
  private inode: number | undefined;
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly walPath: string) {}

  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.flush().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    // The fsync under way may have started before the caller's commit: wait for a new one.
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.sync();
      });
    return this.next;
  }

  async close(): Promise<void> {
    await this.running?.catch(() => undefined);
    await this.next?.catch(() => undefined);
    await this.handle?.close();
    this.handle = undefined;
  }

  private async flush(): Promise<void> {
    const handle = await this.open();
    if (handle) await handle.sync();
  }

  /** The WAL file, reopened if SQLite replaced it (a new file is a new inode). */
  private async open(): Promise<fs.FileHandle | undefined> {
    let ino: number;
    try {
      ino = (await fs.stat(this.walPath)).ino;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // nothing written yet
      throw err;
    }
    if (this.handle && this.inode === ino) return this.handle;
    await this.handle?.close();
    this.handle = await fs.open(this.walPath, constants.O_RDONLY);
    this.inode = ino;
    // A new WAL file: its directory entry must be durable too.
    const dir = await fs.open(dirname(this.walPath), constants.O_RDONLY);
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    return this.handle;
  }
}
