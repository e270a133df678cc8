/**
 * What the benchmarks must undo when they end, fail or are interrupted (servers to stop, databases
 * to drop, Redis keys to delete), run last registered first: servers stop before their databases go.
 */
const steps: (() => Promise<void>)[] = [];

export function onCleanup(step: () => Promise<void>): void {
  steps.push(step);
}

export async function runCleanups(log: (line: string) => void): Promise<void> {
  for (const step of steps.splice(0).reverse()) {
    await step().catch((err: unknown) => log(`cleanup: ${String(err)}`));
  }
}
