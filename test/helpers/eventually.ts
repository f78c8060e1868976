/**
 * Polls `check` until it returns a value. The deadline only guards against a hang; it is not
 * the assertion.
 */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, deadlineMs = 120_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
