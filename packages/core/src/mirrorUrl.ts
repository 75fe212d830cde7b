// Mirror URLs: a file's URL on a mirror (query string kept), and the up-front refusal of mirrors that carry credentials, without ever printing them.
import { FmnistError } from './errors.ts';

/**
 * The URL of file `name` on `mirror`: the name appended to the mirror's path (a `/` is added
 * when missing), with the mirror's query string kept, so a signed or token URL such as
 * `https://bucket.example/fmnist/?sig=abc` still works; a fragment is dropped. Undefined when
 * `mirror` is not a URL.
 */
export function mirrorFileUrl(mirror: string, name: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(mirror);
  } catch {
    return undefined;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    const dir = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
    url.pathname = dir + encodeURIComponent(name);
  }
  url.hash = '';
  return url;
}

/**
 * `url` with any user name and password replaced by `***`, for messages. A string that is not a
 * URL is cut before its last `@`, which is where credentials would be.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return parsed.href;
    parsed.username = '***';
    parsed.password = '';
    return parsed.href;
  } catch {
    const at = url.lastIndexOf('@');
    return at < 0 ? url : `***${url.slice(at)}`;
  }
}

/** True when `mirror` parses as a URL with a user name or password in it. */
export function hasCredentials(mirror: string): boolean {
  try {
    const parsed = new URL(mirror);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(mirror);
  }
}

/**
 * Refuses, before any request, a mirror list that is not a list of strings or that holds a URL
 * with credentials: they would travel to every host the mirror redirects to and end up in
 * messages and logs. The error names the mirror with its credentials replaced by `***`.
 *
 * @throws FmnistError INVALID_ARGUMENT.
 */
export function checkMirrors(mirrors: unknown): void {
  if (!Array.isArray(mirrors) || mirrors.some((m) => typeof m !== 'string')) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `mirrors must be a list of URL strings, got ${Array.isArray(mirrors) ? 'a list with a non-string' : typeof mirrors}.`,
    );
  }
  for (const mirror of mirrors as string[]) {
    if (hasCredentials(mirror)) {
      const shown = redactUrl(mirror);
      throw new FmnistError(
        'INVALID_ARGUMENT',
        `The mirror ${shown} has credentials in its URL, which fmnist refuses (they would be sent along redirects and shown in messages). Use a URL without user:password@, and pass credentials through a custom fetch.`,
        { details: { mirror: shown } },
      );
    }
  }
}
