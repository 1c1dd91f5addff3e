// Test support: the live server's URL and PostgreSQL databases made with psql from an Npgsql admin connection string.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/test/support.js -> the repository root
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const sourceSql = join(root, 'tests', 'clients', 'sql', 'small-source.sql');

export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the client tests with tests/clients/run.sh`);
  return value;
}

export const serverUrl = (): string => required('MIGRATION_TEST_SERVER');

function psqlPath(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'psql'))) return join(dir, 'psql');
  }
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort() : [];
  return versions.length ? `/usr/lib/postgresql/${versions[versions.length - 1]}/bin/psql` : 'psql';
}

export interface DatabasePair {
  sourceDb: string;
  targetDb: string;
  source: string;
  target: string;
}

export class Postgres {
  private readonly env: NodeJS.ProcessEnv;
  private readonly psql = psqlPath();

  constructor(private readonly admin = required('MIGRATION_TEST_POSTGRES')) {
    const parts = new Map<string, string>();
    for (const item of admin.split(';')) {
      const at = item.indexOf('=');
      if (at > 0) parts.set(item.slice(0, at).trim().toLowerCase(), item.slice(at + 1).trim());
    }
    this.env = {
      ...process.env,
      PGHOST: parts.get('host') ?? '127.0.0.1',
      PGPORT: parts.get('port') ?? '5432',
      PGUSER: parts.get('username') ?? 'postgres',
      PGPASSWORD: parts.get('password') ?? '',
    };
  }

  connectionString(database: string): string {
    const kept = this.admin.split(';').filter((p) => p && !p.trim().toLowerCase().startsWith('database='));
    return [...kept, `Database=${database}`].join(';');
  }

  run(database: string, ...args: string[]): string {
    return execFileSync(this.psql, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', database, ...args], {
      env: this.env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  }

  scalar(database: string, sql: string): string {
    return this.run(database, '-c', sql);
  }

  createPair(prefix: string): DatabasePair {
    const name = `${prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_${randomBytes(3).toString('hex')}`;
    const sourceDb = `${name}_src`;
    const targetDb = `${name}_tgt`;
    this.run('postgres', '-c', `CREATE DATABASE ${sourceDb}`);
    this.run('postgres', '-c', `CREATE DATABASE ${targetDb}`);
    this.run(sourceDb, '-f', sourceSql);
    return { sourceDb, targetDb, source: this.connectionString(sourceDb), target: this.connectionString(targetDb) };
  }

  drop(pair: DatabasePair): void {
    for (const db of [pair.sourceDb, pair.targetDb]) this.run('postgres', '-c', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  }
}

/** Small pages so that the 3,400 rows make dozens of batch events. */
export const SMALL_BATCHES = { baseBatchSize: 100, maxBatchSize: 100, minBatchSize: 50 };
