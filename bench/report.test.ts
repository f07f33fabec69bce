import { describe, expect, it } from 'vitest';
import { machineDescription, pgTransport } from './report.js';

describe('pgTransport', () => {
  it('names the Unix socket directory or the TCP host and port', () => {
    expect(pgTransport('postgres://postgres@localhost/postgres?host=/var/run/postgresql')).toBe('Unix socket in /var/run/postgresql');
    expect(pgTransport('postgres://postgres@127.0.0.1:5432/postgres')).toBe('TCP to 127.0.0.1:5432');
    expect(pgTransport('postgres://postgres@db.internal/switchboard')).toBe('TCP to db.internal:5432');
  });

  it('is part of the machine description when a PostgreSQL URL is given', () => {
    expect(machineDescription('postgres://postgres@127.0.0.1:5432/postgres').at(-1)).toBe('PostgreSQL reached through: TCP to 127.0.0.1:5432');
    expect(machineDescription().some((l) => l.startsWith('PostgreSQL'))).toBe(false);
  });
});
