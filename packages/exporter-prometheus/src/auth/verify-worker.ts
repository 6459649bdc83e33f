/**
 * Entry point of a bcrypt verification thread (see {@link VerifyPool}): answers each
 * `{ id, hash, password }` with `{ id, ok }`. The synchronous compare is the fastest bcryptjs has,
 * and blocking is this thread's whole job.
 */
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

export interface VerifyJob {
  readonly id: number;
  readonly hash: string;
  readonly password: string;
}

export interface VerifyResult {
  readonly id: number;
  readonly ok: boolean;
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
