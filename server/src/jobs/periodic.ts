import type { Logger } from '../logger.js';

/**
 * Runs `task` every `ms` (first run right away), never two at once; errors are logged and the
 * schedule goes on. `stop()` waits for a run in progress, so shutdown never cuts one in half.
 */
export function every(ms: number, name: string, task: () => Promise<unknown>, log: Logger) {
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = () => {
    if (running || stopped) return;
    running = task()
      .then(
        () => undefined,
        (err: unknown) => log.error({ err, job: name }, 'scheduled job failed'),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(run, ms);
  timer.unref();
  run();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
