import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { DEMO_AFFILIATE } from './seed/demo.js';

const config = loadConfig();
const log = createLogger(config.logLevel);
const app = await createApp({ config, log });

log.info(`Sorae is up on ${config.publicUrl}`);
const lines = [
  '',
  `  Admin:    ${config.publicUrl}/admin/`,
  `  Portal:   ${config.publicUrl}/portal/`,
  `  GraphQL:  ${config.publicUrl}/graphql`,
];
if (config.seedDemo) {
  lines.push(`  Admin sign-in:   ${config.admin.email} / ${config.admin.password}`);
  lines.push(`  Portal sign-in:  ${DEMO_AFFILIATE.email} / ${DEMO_AFFILIATE.password}`);
}
console.log(lines.join('\n') + '\n');

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
