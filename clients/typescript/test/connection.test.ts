// Auth headers and TLS with a CA file, checked against a real grpc-js server in this process (serving the
// MigrationService definition) over loopback: plain HTTP/2 and TLS with a throwaway CA made by openssl.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { MigrationClient, authHeaders, migrationPackage, parseServer } from '../src/index.js';

function echoServer(credentials: grpc.ServerCredentials): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  server.addService(migrationPackage().MigrationService.service, {
    GetMigration(call: grpc.ServerUnaryCall<{ migrationId: string }, unknown>, callback: grpc.sendUnaryData<unknown>) {
      const header = (name: string) => String(call.metadata.get(name)[0] ?? '');
      callback(null, {
        migration: { id: call.request.migrationId, description: `authorization=${header('authorization')};x-api-key=${header('x-api-key')}` },
      });
    },
  });
  return new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, port) => (error ? reject(error) : resolve({ server, port }))),
  );
}

describe('connection', () => {
  it('parseServer takes http, https and bare addresses', () => {
    assert.deepEqual(parseServer('http://127.0.0.1:5080'), { address: '127.0.0.1:5080', tls: false });
    assert.deepEqual(parseServer('https://migrations.example:8443'), { address: 'migrations.example:8443', tls: true });
    assert.deepEqual(parseServer('https://migrations.example'), { address: 'migrations.example:443', tls: true });
    assert.deepEqual(parseServer('localhost:5080'), { address: 'localhost:5080', tls: false });
    assert.throws(() => parseServer('ftp://host:1'));
    assert.deepEqual(authHeaders({ token: 't', apiKey: 'k' }), [['authorization', 'Bearer t'], ['x-api-key', 'k']]);
  });

  it('sends the token and the API key as headers on a plain channel', async () => {
    const { server, port } = await echoServer(grpc.ServerCredentials.createInsecure());
    try {
      const client = new MigrationClient({ server: `http://127.0.0.1:${port}`, token: 'tok-123', apiKey: 'key-456' });
      assert.equal((await client.get('m1')).description, 'authorization=Bearer tok-123;x-api-key=key-456');
      client.close();
      const anonymous = new MigrationClient({ server: `http://127.0.0.1:${port}` });
      assert.equal((await anonymous.get('m2')).description, 'authorization=;x-api-key=');
      anonymous.close();
    } finally {
      server.forceShutdown();
    }
  });

  it('watch re-attaches from its cursor after a dropped stream', async () => {
    // The first stream of each migration ends with UNAVAILABLE after sequence 3 (a restarting server).
    const cursors = new Map<string, number[]>();
    const server = new grpc.Server();
    server.addService(migrationPackage().MigrationService.service, {
      WatchMigration(call: grpc.ServerWritableStream<{ migrationId: string; afterSequence: number }, unknown>) {
        const seen = cursors.get(call.request.migrationId) ?? [];
        cursors.set(call.request.migrationId, [...seen, Number(call.request.afterSequence)]);
        const first = seen.length === 0;
        for (let s = Number(call.request.afterSequence) + 1; s <= (first ? 3 : 6); s++) {
          call.write({ migrationId: call.request.migrationId, sequence: s });
        }
        if (first) call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'server restarting' });
        else call.end();
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    const client = new MigrationClient({ server: `http://127.0.0.1:${port}` });
    try {
      const sequences: number[] = [];
      for await (const event of client.watch('m1', 1)) sequences.push(event.sequence);
      assert.deepEqual(sequences, [2, 3, 4, 5, 6]);
      assert.deepEqual(cursors.get('m1'), [1, 3]);
      await assert.rejects(async () => {
        for await (const _ of client.watch('m2', 0, { reconnect: false })) { /* drain */ }
      }, (e: grpc.ServiceError) => e.code === grpc.status.UNAVAILABLE);
    } finally {
      client.close();
      server.forceShutdown();
    }
  });

  describe('TLS', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'migration-tls-'));
      const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
      openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
      openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
      writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
      openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
        '-extfile', 'ext.cnf', '-out', 'server.pem');
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('connects with the CA file and sends the token; refuses an untrusted certificate', async () => {
      const credentials = grpc.ServerCredentials.createSsl(null, [
        { private_key: readFileSync(join(dir, 'server.key')), cert_chain: readFileSync(join(dir, 'server.pem')) },
      ]);
      const { server, port } = await echoServer(credentials);
      try {
        const client = new MigrationClient({ server: `https://localhost:${port}`, caFile: join(dir, 'ca.pem'), token: 'tls-token' });
        assert.equal((await client.get('m3')).description, 'authorization=Bearer tls-token;x-api-key=');
        client.close();
        const untrusting = new MigrationClient({ server: `https://localhost:${port}`, timeoutMs: 5_000 });
        await assert.rejects(untrusting.get('m4'), (e: grpc.ServiceError) => e.code === grpc.status.UNAVAILABLE);
        untrusting.close();
      } finally {
        server.forceShutdown();
      }
    });
  });
});
