/**
 * Polls until `check` passes (it throws meanwhile), at most `ms`; then the
 * last failure is thrown, so a test reports why it never passed.
 */
export async function eventually<T>(check: () => Promise<T>, ms = 15_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
