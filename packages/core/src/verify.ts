// Verification: a file's bytes are used only once they have the sha256 (or size) its descriptor promises, as published, re-compressed or already inflated.
import type { DatasetFile } from './datasets.ts';
import { FmnistError, isFmnistError } from './errors.ts';
import { DEFAULT_MAX_OUTPUT_BYTES, type Gunzip, gunzip, isGzip } from './gzip.ts';
import type { Platform } from './platform.ts';
import type { LoadProgress, ProgressListener } from './progress.ts';

/** The checksum and size a file's bytes must have. */
export interface ExpectedChecksum {
  /** Lowercase hex sha256; without it only `bytes` is checked. */
  sha256?: string;
  /** Size in bytes, when known. */
  bytes?: number;
}

/**
 * In which form verified bytes passed: `'published'` (the `.gz` as published, its `sha256`),
 * `'recompressed'` (gzip with other settings whose inflated bytes have the `rawSha256`) or
 * `'inflated'` (not gzip: an unpacked copy, or a body a server sent with `Content-Encoding:
 * gzip` that fetch inflated, checked against `rawSha256`).
 */
export type VerifiedForm = 'published' | 'recompressed' | 'inflated';

/** What verification needs from the platform: sha256, and gunzip for a re-compressed file. */
export type VerifyPlatform = Pick<Platform, 'sha256'> & Partial<Pick<Platform, 'gunzip'>>;

/**
 * What `bytes` must match, decided by content rather than by name: gzip bytes the published
 * `sha256` and `bytes`, anything else (an unpacked copy) `rawSha256` and `rawBytes`. The sha256
 * is lowercased, so a descriptor written in uppercase hex compares equal to a computed digest.
 */
export function expectedChecksum(file: DatasetFile, bytes: Uint8Array): ExpectedChecksum {
  const { sha256, bytes: size } = isGzip(bytes)
    ? { sha256: file.sha256, bytes: file.bytes }
    : { sha256: file.rawSha256, bytes: file.rawBytes };
  return { sha256: typeof sha256 === 'string' ? sha256.toLowerCase() : sha256, bytes: size };
}

const lower = (hex: string | undefined) => (typeof hex === 'string' ? hex.toLowerCase() : hex);

function sizeNote(actual: number, expected: number | undefined): string {
  return expected && expected > 0 && expected !== actual
    ? ` (${actual} bytes, expected ${expected})`
    : '';
}

const MIXUP =
  'The file is corrupt or is a different file under the same name (for example MNIST ' +
  'files in place of Fashion-MNIST ones).';

/** Throws CHECKSUM_MISMATCH unless `bytes` has exactly `expected` (the caller's choice). */
async function checkExact(
  file: DatasetFile,
  bytes: Uint8Array,
  platform: VerifyPlatform,
  source: string,
  expected: ExpectedChecksum,
): Promise<void> {
  if (expected.sha256) {
    const actual = await platform.sha256(bytes);
    const want = expected.sha256.toLowerCase();
    if (actual !== want) {
      throw new FmnistError(
        'CHECKSUM_MISMATCH',
        `${file.name} from ${source} has sha256 ${actual} but ${want} was expected${sizeNote(bytes.length, expected.bytes)}. ${MIXUP}`,
        {
          details: {
            file: file.name,
            source,
            check: 'sha256',
            expected: want,
            actual,
            bytes: bytes.length,
            expectedBytes: expected.bytes,
          },
        },
      );
    }
  } else if (expected.bytes && expected.bytes > 0 && bytes.length !== expected.bytes) {
    throw new FmnistError(
      'CHECKSUM_MISMATCH',
      `${file.name} from ${source} has ${bytes.length} bytes but ${expected.bytes} were expected.`,
      { details: { file: file.name, source, bytes: bytes.length, expectedBytes: expected.bytes } },
    );
  }
}

/** The inflated bytes' sha256 and size, or why they could not be had within the bound. */
async function inflatedDigest(
  file: DatasetFile,
  bytes: Uint8Array,
  platform: VerifyPlatform,
): Promise<{ sha256: string; bytes: number } | { problem: string }> {
  // Bounded like decoding: the exact rawBytes when known, so a gzip bomb stops there.
  const limits = file.rawBytes
    ? { expectedBytes: file.rawBytes, maxOutputBytes: file.rawBytes }
    : {
        maxOutputBytes: Math.min(DEFAULT_MAX_OUTPUT_BYTES, Math.max(1 << 20, 32 * bytes.length)),
      };
  try {
    const inflate: Gunzip = platform.gunzip ?? gunzip;
    const raw = await inflate(bytes, limits);
    return { sha256: await platform.sha256(raw), bytes: raw.length };
  } catch (error) {
    if (!isFmnistError(error, 'INVALID_GZIP')) throw error;
    return { problem: error.message.replace(/\.$/, '') };
  }
}

/** Bytes that are not the published file, checked through their inflated form (rawSha256). */
async function checkRaw(
  file: DatasetFile,
  bytes: Uint8Array,
  platform: VerifyPlatform,
  source: string,
  published: { want: string; actual: string },
): Promise<VerifiedForm> {
  const rawSha256 = (file.rawSha256 as string).toLowerCase();
  const packed = isGzip(bytes);
  const inflated = packed
    ? await inflatedDigest(file, bytes, platform)
    : { sha256: published.actual, bytes: bytes.length };
  if (
    'sha256' in inflated &&
    inflated.sha256 === rawSha256 &&
    (!file.rawBytes || inflated.bytes === file.rawBytes)
  ) {
    return packed ? 'recompressed' : 'inflated';
  }
  const second = !packed
    ? `as it is not gzip (an unpacked copy, or a body inflated on the way) it was also checked against rawSha256 ${rawSha256}, which it does not match either${sizeNote(bytes.length, file.rawBytes)}`
    : 'problem' in inflated
      ? `it does not inflate to the data of rawSha256 ${rawSha256} (${inflated.problem})`
      : `inflated it has sha256 ${inflated.sha256} but rawSha256 ${rawSha256} was expected${sizeNote(inflated.bytes, file.rawBytes)}`;
  throw new FmnistError(
    'CHECKSUM_MISMATCH',
    `${file.name} from ${source} has sha256 ${published.actual} but ${published.want} was expected${packed ? sizeNote(bytes.length, file.bytes) : ''}, ` +
      `and ${second}: both the compressed and the inflated check failed (a .gz re-compressed ` +
      `with other settings, or one already inflated, passes on its inflated bytes). ${MIXUP}`,
    {
      details: {
        file: file.name,
        source,
        check: 'sha256+rawSha256',
        expected: published.want,
        actual: published.actual,
        bytes: bytes.length,
        expectedBytes: file.bytes,
        expectedRawSha256: rawSha256,
        ...('sha256' in inflated
          ? { inflatedSha256: inflated.sha256, inflatedBytes: inflated.bytes }
          : { inflateError: inflated.problem }),
      },
    },
  );
}

/** The content-based check of {@link verifyFile} (no `expected` given). */
async function checkByContent(
  file: DatasetFile,
  bytes: Uint8Array,
  platform: VerifyPlatform,
  source: string,
): Promise<VerifiedForm> {
  const want = lower(file.sha256);
  if (want) {
    if (!file.rawSha256) {
      await checkExact(file, bytes, platform, source, { sha256: want, bytes: file.bytes });
      return 'published';
    }
    const actual = await platform.sha256(bytes);
    if (actual === want) return 'published';
    return checkRaw(file, bytes, platform, source, { want, actual });
  }
  // No published sha256 (a user dataset trusted by size): an unpacked copy by its own checks.
  if (!isGzip(bytes) && (file.rawSha256 || (file.rawBytes && bytes.length === file.rawBytes))) {
    await checkExact(file, bytes, platform, source, {
      sha256: lower(file.rawSha256),
      bytes: file.rawBytes,
    });
    return 'inflated';
  }
  await checkExact(file, bytes, platform, source, { bytes: file.bytes });
  return 'published';
}

/**
 * Throws CHECKSUM_MISMATCH unless `bytes` is the file, and says in which form it passed.
 *
 * Without `expected`: the published `sha256` (`'published'`; without a sha256, the size
 * `bytes`), or, failing that and when the descriptor has a `rawSha256`, the inflated bytes:
 * gzip bytes inflated (bounded by `rawBytes`) must have the `rawSha256` and `rawBytes`
 * (`'recompressed'`: the same data compressed with other settings), and bytes that are not gzip
 * must have them as they are (`'inflated'`: an unpacked copy, or a body a server sent with
 * `Content-Encoding: gzip`). With `expected`, exactly that checksum and size are checked.
 *
 * The message names the file, the source and each checksum, and says which check failed (the
 * compressed sha256, the inflated sha256, or both), so a mix-up such as MNIST files saved under
 * Fashion-MNIST names is recognisable from the message alone. Hex is compared in lowercase.
 */
export async function verifyFile(
  file: DatasetFile,
  bytes: Uint8Array,
  platform: VerifyPlatform,
  source: string,
  expected?: ExpectedChecksum,
): Promise<VerifiedForm> {
  if (expected) {
    await checkExact(file, bytes, platform, source, expected);
    return isGzip(bytes) ? 'published' : 'inflated';
  }
  return checkByContent(file, bytes, platform, source);
}

/** Where verified bytes came from and whom to tell, for {@link verifyWithProgress}. */
export interface VerifyReport {
  /** The URL, local path or `cache:` key the bytes came from. */
  source: string;
  /** The attempt number reported with the events (0 for local and cached files). */
  attempt: number;
  /** Receives a `verify` event before hashing and, when the bytes pass, one after. */
  progress: ProgressListener;
  /** What to check against; default by content (see {@link verifyFile}). */
  expected?: ExpectedChecksum;
}

/** The last `verify` event: a {@link LoadProgress} that also says in which form the file passed. */
export interface VerifiedProgress extends LoadProgress {
  /** See {@link VerifiedForm}: `'inflated'` for a body a server sent gzip-encoded, for example. */
  form: VerifiedForm;
}

/**
 * {@link verifyFile} framed by two `verify` progress events (0 bytes, then all of them, the
 * second with the {@link VerifiedForm} as `form`): the one way every source reports
 * verification.
 */
export async function verifyWithProgress(
  file: DatasetFile,
  bytes: Uint8Array,
  platform: VerifyPlatform,
  report: VerifyReport,
): Promise<VerifiedForm> {
  const event = {
    file: file.name,
    url: report.source,
    total: bytes.length,
    attempt: report.attempt,
  };
  report.progress({ ...event, loaded: 0, phase: 'verify' });
  const form = await verifyFile(file, bytes, platform, report.source, report.expected);
  const done: VerifiedProgress = { ...event, loaded: bytes.length, phase: 'verify', form };
  report.progress(done);
  return form;
}
