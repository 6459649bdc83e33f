/**
 * Entry point of a bcrypt verification thread (see {@link VerifyPool}): answers each
 * `{ id, hash, password }` with `{ id, ok }`. The synchronous compare is the fastest bcryptjs has,
 * and blocking is this thread's whole job.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

/** What the pool tells a new thread. */
export interface VerifyWorkerData {
  /** Nice value for this thread (Linux keeps it per thread); the agent's own threads keep theirs. */
  readonly nice?: number;
}

export interface VerifyJob {
  readonly id: number;
  readonly hash: string;
  readonly password: string;
}

export interface VerifyResult {
  readonly id: number;
  readonly ok: boolean;
}

// On Linux a nice value is per thread: a flood of wrong passwords then only takes CPU the agent's
// event loop (probes, scrapes) and the rest of the host do not want. Elsewhere it would apply to the
// whole process, so it is left alone there.
const { nice } = (workerData ?? {}) as VerifyWorkerData;
if (process.platform === 'linux' && nice) {
  try {
    setPriority(nice);
  } catch {
    // Not permitted (a container without the capability to renice): run at the default priority.
  }
}

parentPort?.on('message', (job: VerifyJob) => {
  let ok: boolean;
  try {
    ok = bcrypt.compareSync(job.password, job.hash);
  } catch {
    ok = false; // a malformed hash never matches (config validation keeps them out anyway)
  }
  parentPort!.postMessage({ id: job.id, ok } satisfies VerifyResult);
});
