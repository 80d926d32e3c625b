// `node --import ./record-imports.mjs`: writes the URL of every module the process resolves,
// static or dynamic, one per line, to the file named by RECORD_IMPORTS, so a test can tell
// which modules a server loaded. The hooks run on their own thread, which loads this file too.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url);

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(process.env.RECORD_IMPORTS, `${resolved.url}\n`);
  return resolved;
}
