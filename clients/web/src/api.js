// The server's gRPC services over gRPC-Web (Connect-ES), with the credentials the user saved in this browser.
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcWebTransport } from '@connectrpc/connect-web';

import { GuidanceService } from './gen/migration/v1/guidance_pb.js';
import { MigrationService } from './gen/migration/v1/migration_pb.js';

const STORAGE_KEY = 'migration-dashboard-access';

export function loadAccess() {
  try {
    return { token: '', apiKey: '', user: '', ...JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') };
  } catch {
    return { token: '', apiKey: '', user: '' };
  }
}

export function saveAccess(access) {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(access));
}

export function forgetAccess() {
  localStorage.removeItem(STORAGE_KEY);
}

/** Adds `authorization: Bearer …` and `x-api-key` to every call, read at call time (settings can change). */
const credentials = (next) => async (request) => {
  const access = loadAccess();
  if (access.token) request.header.set('authorization', `Bearer ${access.token}`);
  if (access.apiKey) request.header.set('x-api-key', access.apiKey);
  return next(request);
};

const transport = createGrpcWebTransport({ baseUrl: location.origin, interceptors: [credentials] });

export const migrations = createClient(MigrationService, transport);
export const guidance = createClient(GuidanceService, transport);

/** A readable message for a failed call; `denied` when the caller's role may not do it. */
export function describeError(error) {
  const e = ConnectError.from(error);
  switch (e.code) {
    case Code.Unauthenticated:
      return 'Not signed in: add a token or API key under Access.';
    case Code.PermissionDenied:
      return `Your role may not do this: ${e.rawMessage}`;
    case Code.Unavailable:
      return 'The server cannot be reached.';
    case Code.Unimplemented:
      return 'This server does not offer that yet.';
    default:
      return e.rawMessage || e.message;
  }
}

export { Code, ConnectError };
