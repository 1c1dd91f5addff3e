// Generates the TypeScript types of protos/migration/v1/*.proto with @grpc/proto-loader's proto-loader-gen-types
// into src/generated/ and copies the protos into proto/ (loaded at run time by @grpc/proto-loader with the same
// options, see src/protos.ts). Reproducible; the output is not committed and not edited.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const protoSource = join(here, '..', '..', 'protos');
const protoCopy = join(here, 'proto');
const out = join(here, 'src', 'generated');

rmSync(protoCopy, { recursive: true, force: true });
rmSync(out, { recursive: true, force: true });
mkdirSync(join(protoCopy, 'migration', 'v1'), { recursive: true });
const files = readdirSync(join(protoSource, 'migration', 'v1')).filter((f) => f.endsWith('.proto')).sort();
for (const file of files) {
  cpSync(join(protoSource, 'migration', 'v1', file), join(protoCopy, 'migration', 'v1', file));
}
execFileSync(
  process.execPath,
  [
    join(here, 'node_modules', '@grpc', 'proto-loader', 'build', 'bin', 'proto-loader-gen-types.js'),
    '--longs=Number', '--enums=String', '--defaults', '--oneofs', '--includeComments',
    '--grpcLib=@grpc/grpc-js', '--importFileExtension=.js', '-I', protoCopy, '-O', out,
    ...files.map((f) => `migration/v1/${f}`),
  ],
  { stdio: 'inherit' },
);
console.error(`generated types for ${files.join(', ')} in src/generated`);
