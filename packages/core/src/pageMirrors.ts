// Mirrors as a web page sees them: relative URLs resolved against the page, and http mirrors skipped on an https page instead of failing as mixed content.
import { FmnistError } from './errors.ts';

/**
 * The URL relative mirrors resolve against: the page's (or worker's) `location.href` when it is
 * an http(s) URL, else `undefined` (Node, Deno scripts, `file:` pages), where a relative mirror
 * stays as it is and is refused as not an http(s) URL.
 */
export function pageBase(): string | undefined {
  const href = (globalThis as { location?: { href?: unknown } }).location?.href;
  return typeof href === 'string' && /^https?:/i.test(href) ? href : undefined;
}

/**
 * `mirror` as an absolute URL: an absolute one unchanged, a relative one (`'/data/'`,
 * `'./data/'`, `'data/'`) resolved against `base` (default {@link pageBase}), so a page can
 * name the folder it serves the files from. Without a base, `mirror` comes back unchanged.
 */
export function resolveMirror(mirror: string, base: string | undefined = pageBase()): string {
  try {
    return new URL(mirror).href;
  } catch {
    if (base === undefined) return mirror;
    try {
      return new URL(mirror, base).href;
    } catch {
      return mirror;
    }
  }
}

/** Hosts that browsers treat as secure over plain http, so an https page may fetch from them. */
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The error for an http mirror that an https page cannot use, or `undefined` when the page may
 * fetch `mirror` (an already resolved, absolute URL). Browsers block http requests from https
 * pages (mixed content) with an opaque network error; this says why in one line instead, and
 * the loader skips the mirror without a request. Loopback hosts are allowed, as browsers allow
 * them.
 */
export function mixedContentSkip(
  mirror: string,
  base: string | undefined = pageBase(),
): FmnistError | undefined {
  if (base === undefined || !/^https:/i.test(base)) return undefined;
  let url: URL;
  try {
    url = new URL(mirror);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || LOOPBACK.test(url.hostname)) return undefined;
  const page = new URL(base).origin;
  return new FmnistError(
    'INVALID_ARGUMENT',
    `Skipped the http mirror ${url.origin}${url.pathname}: this page is served over https (${page}) and browsers block http requests from it (mixed content); serve the files over https or from the page's own origin.`,
    { details: { mirror: url.href, page, reason: 'mixed-content' } },
  );
}
