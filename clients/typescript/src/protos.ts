// Loads the protos copied into proto/ by scripts/generate.mjs with the options the generated types were made with
// (--longs=Number --enums=String --defaults --oneofs): keep the two in step.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ProtoGrpcType as GuidanceProto } from './generated/guidance.js';
import type { ProtoGrpcType as MigrationProto } from './generated/migration.js';
import type { ProtoGrpcType as OperationsProto } from './generated/operations.js';

export const protoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'proto');

export const loaderOptions: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [protoRoot],
};

let loaded: (MigrationProto & GuidanceProto & OperationsProto) | undefined;

/** The migration.v1 package (services and message types), loaded once. */
export function migrationPackage(): (MigrationProto & GuidanceProto & OperationsProto)['migration']['v1'] {
  if (!loaded) {
    const definition = protoLoader.loadSync(
      ['migration/v1/migration.proto', 'migration/v1/guidance.proto', 'migration/v1/operations.proto'],
      loaderOptions,
    );
    loaded = grpc.loadPackageDefinition(definition) as unknown as MigrationProto & GuidanceProto & OperationsProto;
  }
  return loaded.migration.v1;
}
