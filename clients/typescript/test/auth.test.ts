// Credentials against the live server's authentication and roles: an API key (x-api-key) and HS256 JWT bearer tokens
// (authorization: Bearer) minted here with the key tests/clients/run.sh configured on the server.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { MigrationClient } from '../src/index.js';
import { Postgres, serverUrl, type DatabasePair } from './support.js';

const env = (name: string) => process.env[name] ?? '';
const configured = Boolean(env('MIGRATION_TEST_VIEWER_KEY') && env('MIGRATION_TEST_JWT_KEY'));
const skip = configured ? false : 'the server was not started with test credentials (tests/clients/run.sh does)';

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function mintJwt(role: string, options: { expiresIn?: number; key?: string } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const claims = b64url(JSON.stringify({
    sub: `node-${role}`, role, iss: env('MIGRATION_TEST_JWT_ISSUER'), aud: env('MIGRATION_TEST_JWT_AUDIENCE'),
    iat: now, nbf: now - 5, exp: now + (options.expiresIn ?? 300),
  }));
  const key = Buffer.from(options.key ?? env('MIGRATION_TEST_JWT_KEY'), 'base64');
  const signature = createHmac('sha256', key).update(`${header}.${claims}`).digest();
  return `${header}.${claims}.${b64url(signature)}`;
}

const code = (expected: grpc.status) => (error: grpc.ServiceError) => {
  assert.equal(grpc.status[error.code], grpc.status[expected]);
  return true;
};

describe('credentials against the live server', { skip }, () => {
  let postgres: Postgres;
  let pair: DatabasePair;
  const clients: MigrationClient[] = [];
  const client = (options: { apiKey?: string; token?: string }) => {
    const c = new MigrationClient({ server: serverUrl(), ...options });
    clients.push(c);
    return c;
  };

  before(() => {
    postgres = new Postgres();
    pair = postgres.createPair('ts_auth');
  });
  after(() => {
    for (const c of clients) c.close();
    postgres.drop(pair);
  });

  it('a viewer API key may look but not create', async () => {
    const viewer = client({ apiKey: env('MIGRATION_TEST_VIEWER_KEY') });
    await viewer.list();
    await assert.rejects(viewer.create(pair.source, pair.target), code(grpc.status.PERMISSION_DENIED));
  });

  it('an unknown API key is unauthenticated', async () => {
    await assert.rejects(client({ apiKey: 'mig_not-a-key' }).list(), code(grpc.status.UNAUTHENTICATED));
  });

  it('an operator bearer token may create and cancel but not approve', async () => {
    const operator = client({ token: mintJwt('operator') });
    const id = (await operator.create(pair.source, pair.target, { includeSchemas: ['public'] })).migration!.id;
    await assert.rejects(operator.approve(id), code(grpc.status.PERMISSION_DENIED));
    await operator.cancel(id, 'auth test');
  });

  it('expired and forged tokens are unauthenticated', async () => {
    await assert.rejects(client({ token: mintJwt('admin', { expiresIn: -600 }) }).list(), code(grpc.status.UNAUTHENTICATED));
    await assert.rejects(client({ token: mintJwt('admin', { key: randomBytes(32).toString('base64') }) }).list(),
      code(grpc.status.UNAUTHENTICATED));
  });
});
