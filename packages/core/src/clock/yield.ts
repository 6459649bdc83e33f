/**
 * Lets the event loop run pending I/O (a `/metrics` request, a probe's answer, a socket's data)
 * before long work continues: the next turn of the loop, not a wait in time, so it is not the
 * Clock's business. Long synchronous work (a big render, a big device answer) calls it between
 * slices so no single slice blocks the agent.
 *
 * @public
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
