// Verification: a file's bytes are used only once they have the sha256 (or size) its descriptor promises.
import type { DatasetFile } from './datasets.ts';
import { FmnistError } from './errors.ts';
import { isGzip } from './gzip.ts';
import type { Platform } from './platform.ts';
import type { ProgressListener } from './progress.ts';

/** The checksum and size a file's bytes must have. */
export interface ExpectedChecksum {
  /** Lowercase hex sha256; without it only `bytes` is checked. */
  sha256?: string;
  /** Size in bytes, when known. */
  bytes?: number;
}

/**
 * What `bytes` must match, decided by content rather than by name: gzip bytes the published
 * `sha256` and `bytes`, anything else (an unpacked copy) `rawSha256` and `rawBytes`.
 */
export function expectedChecksum(file: DatasetFile, bytes: Uint8Array): ExpectedChecksum {
  return isGzip(bytes)
    ? { sha256: file.sha256, bytes: file.bytes }
    : { sha256: file.rawSha256, bytes: file.rawBytes };
}

/**
 * Throws CHECKSUM_MISMATCH unless `bytes` has the file's sha256 (and, without a sha256, its
 * size). The message names the file and both checksums, so a mix-up such as MNIST files saved
 * under Fashion-MNIST names is recognisable from the message alone.
 */
export async function verifyFile(
  file: DatasetFile,
  bytes: Uint8Array,
  platform: Pick<Platform, 'sha256'>,
  source: string,
  expected: ExpectedChecksum = { sha256: file.sha256, bytes: file.bytes },
): Promise<void> {
  if (expected.sha256) {
    const actual = await platform.sha256(bytes);
    if (actual !== expected.sha256.toLowerCase()) {
      const sizes =
        expected.bytes && expected.bytes > 0 && expected.bytes !== bytes.length
          ? ` (${bytes.length} bytes, expected ${expected.bytes})`
          : '';
      throw new FmnistError(
        'CHECKSUM_MISMATCH',
        `${file.name} from ${source} has sha256 ${actual} but ${expected.sha256} was expected${sizes}. ` +
          'The file is corrupt or is a different file under the same name (for example MNIST ' +
          'files in place of Fashion-MNIST ones).',
        {
          details: {
            file: file.name,
            source,
            expected: expected.sha256,
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

/** Where verified bytes came from and whom to tell, for {@link verifyWithProgress}. */
export interface VerifyReport {
  /** The URL, local path or `cache:` key the bytes came from. */
  source: string;
  /** The attempt number reported with the events (0 for local and cached files). */
  attempt: number;
  /** Receives a `verify` event before hashing and, when the bytes pass, one after. */
  progress: ProgressListener;
  /** What to check against; default the published `sha256` and `bytes`. */
  expected?: ExpectedChecksum;
}

/**
 * {@link verifyFile} framed by two `verify` progress events (0 bytes, then all of them): the
 * one way every source reports verification.
 */
export async function verifyWithProgress(
  file: DatasetFile,
  bytes: Uint8Array,
  platform: Pick<Platform, 'sha256'>,
  report: VerifyReport,
): Promise<void> {
  const event = {
    file: file.name,
    url: report.source,
    total: bytes.length,
    attempt: report.attempt,
  };
  report.progress({ ...event, loaded: 0, phase: 'verify' });
  await verifyFile(file, bytes, platform, report.source, report.expected);
  report.progress({ ...event, loaded: bytes.length, phase: 'verify' });
}
