import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { createLogger, prettyDestination } from './logger.js';
import { DEMO_AFFILIATE } from './seed/demo.js';

const config = loadConfig();
const log = createLogger(config.logLevel, config.logFormat === 'pretty' ? await prettyDestination() : undefined);
const app = await createApp({ config, log });

log.info(`Sorae is up on ${config.publicUrl}`);
const lines = ['', `  Admin:    ${config.publicUrl}/admin/`, `  Portal:   ${config.publicUrl}/portal/`, `  GraphQL:  ${config.publicUrl}/graphql`];
if (config.seedDemo) {
  lines.push(`  Admin sign-in:   ${config.admin.email} / ${config.admin.password}`);
  lines.push(`  Portal sign-in:  ${DEMO_AFFILIATE.email} / ${DEMO_AFFILIATE.password}`);
}
console.log(lines.join('\n') + '\n');

// A second signal (an impatient Ctrl-C, an orchestrator repeating itself) does not cut the
// shutdown short: SHUTDOWN_TIMEOUT_MS bounds it, after which the process exits with 1.
let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) {
    log.warn({ signal }, 'already shutting down: buffered work is being written');
    return;
  }
  stopping = true;
  log.info({ signal }, 'shutting down');
  const bound = setTimeout(() => {
    log.fatal({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown did not finish in time; exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  bound.unref();
  app.close().then(
    () => process.exit(0),
    (err: unknown) => {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
