import type { CountedDelta, ImportEndStatus, ImportJob, ImportJobStore } from './import-job.js';
import { importCompletedEvent } from './import-completed-event.js';

/** What ending a job writes: its status and finish time, plus whatever final counts the caller has. */
export type FinalJobFields = Partial<Omit<ImportJob, 'status' | 'finished_at'>> & { status: ImportEndStatus; finished_at: string };

export interface CompleteJobInput {
  jobs: ImportJobStore;
  /** The lease holder: only it may end the job. */
  owner: string;
  /** The job as last read or run (its id, entity, source, counts). */
  job: ImportJob;
  final: FinalJobFields;
  /** The counter moves not yet applied by a checkpoint. */
  counted: CountedDelta;
}

/**
 * THE way an import job ends, whatever ends it (a finished run, a file problem, an unknown
 * entity, a direct upload out of time, the last chunk of a fanned-out file): the final state,
 * the remaining counter delta and the `import.completed` event commit in ONE transaction,
 * conditioned on the lease and on the job still running. A retried completion fails that
 * condition (and the event's own `attribute_not_exists`), so the event is written exactly once.
 * Returns the job as it ended.
 * @throws LeaseLostError (from the store) when the job is no longer this owner's to end
 */
export async function completeJob({ jobs, owner, job, final, counted }: CompleteJobInput): Promise<ImportJob> {
  const done = { ...job, ...final };
  await jobs.finish(job.import_id, owner, final, counted, [importCompletedEvent(done)]);
  return done;
}
