/** Wires process signals to a graceful close(). */

export interface ShutdownOptions {
  /** Default ['SIGINT', 'SIGTERM']. */
  signals?: readonly NodeJS.Signals[];
  /** Exit the process after close() (code 0, or 1 if close failed). Default true. */
  exit?: boolean;
  /** Called after close(), before exit. */
  onClosed?: (error?: unknown) => void;
}

/** Returns a function that removes the signal handlers. A second signal while closing exits at once. */
export function onShutdownSignals(client: { close(): Promise<void> }, options: ShutdownOptions = {}): () => void {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const exit = options.exit ?? true;
  let closing = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (closing) {
      if (exit) process.exit(signal === 'SIGINT' ? 130 : 143);
      return;
    }
    closing = true;
    client.close().then(
      () => {
        options.onClosed?.();
        if (exit) process.exit(0);
      },
      (err: unknown) => {
        options.onClosed?.(err);
        if (exit) process.exit(1);
      },
    );
  };
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
