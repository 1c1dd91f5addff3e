import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';

export const DEFAULT_SERVER = 'http://127.0.0.1:5080';

/** Where the server is and how to authenticate. Unset fields default to the MIGRATION_* environment variables. */
export interface ConnectionOptions {
  /** `http://host:port` (plain HTTP/2, the server's default) or `https://host:port` (TLS). Default: $MIGRATION_SERVER. */
  server?: string;
  /** PEM file of the CA that signed the server's certificate (TLS; default: the system's roots). Default: $MIGRATION_CA_CERT. */
  caFile?: string;
  /** Bearer token (JWT), sent as `authorization: Bearer <token>`. Default: $MIGRATION_TOKEN. */
  token?: string;
  /** API key, sent as `x-api-key: <key>`. Default: $MIGRATION_API_KEY. */
  apiKey?: string;
  /** Host name to check the server's certificate against when it differs from the URL's host. */
  serverName?: string;
  /** Deadline of each unary call in milliseconds (default 60 s). */
  timeoutMs?: number;
}

export function resolveOptions(options: ConnectionOptions = {}): Required<Omit<ConnectionOptions, 'caFile' | 'token' | 'apiKey' | 'serverName'>> & ConnectionOptions {
  const env = process.env;
  return {
    server: options.server || env.MIGRATION_SERVER || DEFAULT_SERVER,
    caFile: options.caFile ?? (env.MIGRATION_CA_CERT || undefined),
    token: options.token ?? (env.MIGRATION_TOKEN || undefined),
    apiKey: options.apiKey ?? (env.MIGRATION_API_KEY || undefined),
    serverName: options.serverName,
    timeoutMs: options.timeoutMs ?? 60_000,
  };
}

/** `http://host:port` -> { address: 'host:port', tls: false }; a bare `host:port` is plain. */
export function parseServer(server: string): { address: string; tls: boolean } {
  if (!server.includes('://')) {
    return { address: server, tls: false };
  }
  const url = new URL(server);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`server must be http://host:port or https://host:port, not ${server}`);
  }
  const tls = url.protocol === 'https:';
  return { address: `${url.hostname}:${url.port || (tls ? '443' : '80')}`, tls };
}

/** The auth headers every call carries. */
export function authHeaders(options: ConnectionOptions): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  if (options.token) headers.push(['authorization', `Bearer ${options.token}`]);
  if (options.apiKey) headers.push(['x-api-key', options.apiKey]);
  return headers;
}

/** Channel credentials and client options (TLS with a CA file, the auth headers as an interceptor). */
export function channelSettings(options: ConnectionOptions): {
  address: string;
  credentials: grpc.ChannelCredentials;
  clientOptions: grpc.ClientOptions;
} {
  const { address, tls } = parseServer(options.server || DEFAULT_SERVER);
  const credentials = tls
    ? grpc.credentials.createSsl(options.caFile ? readFileSync(options.caFile) : null)
    : grpc.credentials.createInsecure();
  const headers = authHeaders(options);
  const clientOptions: grpc.ClientOptions = { 'grpc.keepalive_time_ms': 30_000 };
  if (options.serverName) clientOptions['grpc.ssl_target_name_override'] = options.serverName;
  if (headers.length > 0) {
    // An interceptor rather than call credentials: grpc-js refuses call credentials on a plain channel.
    const addHeaders: grpc.Interceptor = (callOptions, nextCall) =>
      new grpc.InterceptingCall(nextCall(callOptions), {
        start(metadata, listener, next) {
          for (const [key, value] of headers) metadata.set(key, value);
          next(metadata, listener);
        },
      });
    clientOptions.interceptors = [addHeaders];
  }
  return { address, credentials, clientOptions };
}
