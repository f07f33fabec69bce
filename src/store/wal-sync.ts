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
import { closeSync, constants, fsync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** fsync on libuv's thread pool (the callback API: the promise API's FileHandle cost more CPU). */
function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
}

export class WalSync {
  private fd: number | undefined;
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
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private async flush(): Promise<void> {
    const fd = await this.open();
    if (fd !== undefined) await fsyncAsync(fd);
  }

  /**
   * The WAL file, reopened if SQLite replaced it (a new file is a new inode). The stat is
   * synchronous: it reads cached metadata, and the promise API's round trip through the thread
   * pool cost ten times the CPU, once per commit.
   */
  private async open(): Promise<number | undefined> {
    let ino: number;
    try {
      ino = statSync(this.walPath).ino;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // nothing written yet
      throw err;
    }
    if (this.fd !== undefined && this.inode === ino) return this.fd;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    const fd = openSync(this.walPath, constants.O_RDONLY);
    // A new WAL file: its directory entry must be durable too.
    try {
      const dir = openSync(dirname(this.walPath), constants.O_RDONLY);
      try {
        await fsyncAsync(dir);
      } finally {
        closeSync(dir);
      }
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    this.fd = fd;
    this.inode = ino;
    return fd;
  }
}
