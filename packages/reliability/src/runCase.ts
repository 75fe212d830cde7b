// One reliability case: a fresh scratch folder, the fault, the check of the outcome, then the
// audit of the cache, and a ledger record whatever happened.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type DatasetDescriptor, FmnistError, isFmnistError } from '@fmnist/core';
import { auditCache } from './cacheAudit.ts';
import { type Category, record } from './ledger.ts';

/** What a case body gets. */
export interface CaseContext {
  /** A fresh scratch folder, removed after the case. */
  workDir: string;
  /** `workDir/cache`, not created: the code under test must create it. */
  cacheDir: string;
  /**
   * Folders to audit after the case (default: `cacheDir`). A case that uses another cache (a
   * tmpfs mount) replaces or adds to it; the audit runs before `cleanup`.
   */
  auditDirs: string[];
  /**
   * More audits run beside the cache's (e.g. of a command's output folder): their corrupt and
   * temporary files count like the cache's.
   */
  audits: (() => Promise<{ corrupt: string[]; temp: string[] }>)[];
  /** Descriptors the audit checks cached files against. */
  descriptors: DatasetDescriptor[];
  /** Numbers to report with the case. */
  facts: Record<string, unknown>;
  /** Run after the audit, also when the case failed (unmounts, servers). */
  cleanup: (() => Promise<void> | void)[];
}

/** The description of one case. */
export interface CaseSpec {
  category: Category;
  name: string;
  /** The expected outcome in words: `recovered (retry)`, `DOWNLOAD_FAILED`, ... */
  expected: string;
  /** Descriptors to audit against (more can be pushed by the body). */
  descriptors?: DatasetDescriptor[];
  /**
   * Also fail on a leftover `*.tmp` file. Right for every case where no process is killed: a
   * temp file then means work that went on after the call under test had settled.
   */
  noTemp?: boolean;
}

/**
 * Runs one case. The body performs the fault and its assertions and returns the outcome in
 * words; it fails by throwing. Afterwards every file under a final name in the audited folders
 * must match its descriptor: a corrupt file fails the case even when the body passed.
 */
export async function runCase(
  spec: CaseSpec,
  body: (ctx: CaseContext) => Promise<string>,
): Promise<void> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'fmnist-rel-'));
  const ctx: CaseContext = {
    workDir,
    cacheDir: path.join(workDir, 'cache'),
    auditDirs: [],
    audits: [],
    descriptors: [...(spec.descriptors ?? [])],
    facts: {},
    cleanup: [],
  };
  let outcome = '';
  let failure: unknown;
  try {
    outcome = await body(ctx);
  } catch (error) {
    failure = error;
    outcome = `FAILED: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
  let corrupt: string[] = [];
  let temp: string[] = [];
  try {
    for (const dir of ctx.auditDirs.length > 0 ? ctx.auditDirs : [ctx.cacheDir]) {
      const audit = await auditCache(dir, ctx.descriptors);
      corrupt = corrupt.concat(audit.corrupt.map((f) => path.join(dir, f)));
      temp = temp.concat(audit.temp);
    }
    for (const audit of ctx.audits) {
      const found = await audit();
      corrupt = corrupt.concat(found.corrupt);
      temp = temp.concat(found.temp);
    }
  } finally {
    for (const fn of ctx.cleanup.reverse()) {
      await Promise.resolve()
        .then(fn)
        .catch(() => undefined);
    }
    await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
  }
  const strayTemp = spec.noTemp === true && temp.length > 0;
  const passed = failure === undefined && corrupt.length === 0 && !strayTemp;
  record({
    category: spec.category,
    name: spec.name,
    expected: spec.expected,
    outcome,
    tried: 1,
    passed: passed ? 1 : 0,
    corrupt: corrupt.length,
    temp: temp.length,
    facts: ctx.facts,
  });
  if (failure !== undefined) throw failure;
  if (corrupt.length > 0) {
    throw new Error(`files left corrupt after "${spec.name}": ${corrupt.join(', ')}`);
  }
  if (strayTemp) throw new Error(`temp files left after "${spec.name}": ${temp.join(', ')}`);
}

/** Records a case that this machine cannot produce (and says why); the test is skipped. */
export function notProducible(spec: CaseSpec, why: string): void {
  record({
    category: spec.category,
    name: spec.name,
    expected: spec.expected,
    outcome: '',
    tried: 0,
    passed: 0,
    corrupt: 0,
    temp: 0,
    notProducible: why,
  });
}

/** Awaits a promise that must reject with an FmnistError and returns the error. */
export async function rejection(promise: Promise<unknown>): Promise<FmnistError> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error('expected a rejection, but it resolved');
  if (!isFmnistError(error)) {
    throw new Error(`expected an FmnistError, got ${String(error)}`, { cause: error });
  }
  return error as FmnistError;
}

/** `CODE (attempt codes ...)` for an error, the way the outcome column words it. */
export function describeFailure(error: FmnistError): string {
  const attempts = error.details.attempts as { code: string }[] | undefined;
  if (!attempts || attempts.length === 0) return error.code;
  return `${error.code} (attempts: ${attempts.map((a) => a.code).join(', ')})`;
}

export { FmnistError };
