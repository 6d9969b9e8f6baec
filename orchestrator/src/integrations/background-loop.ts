import type { Logger } from 'pino';

/**
 * Runs `pass` repeatedly: immediately again while it reports work done, otherwise after
 * `idleMs`, or sooner when `nudge()` is called (e.g. right after a webhook is recorded).
 * Errors are logged and retried on the next tick; the loop never dies.
 */
export function startBackgroundLoop(name: string, pass: () => Promise<boolean>, options: { idleMs: number; logger: Logger }) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
      timer.unref();
    });

  const run = async () => {
    while (!stopped) {
      let busy = false;
      try {
        busy = await pass();
      } catch (error) {
        options.logger.warn({ loop: name, err: (error as Error)?.message }, 'background pass failed');
      }
      if (!busy && !stopped) await sleep(options.idleMs);
    }
  };
  void run();
  return {
    nudge() {
      clearTimeout(timer);
      wake?.();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
    },
  };
}
