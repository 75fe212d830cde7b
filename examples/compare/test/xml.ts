// A small XML well-formedness check for the charts' SVG.

/** Markup passed over whole: its opening, its closing, and its name for errors. */
const SKIPPED: readonly [string, string, string][] = [
  ['<!--', '-->', 'comment'],
  ['<![CDATA[', ']]>', 'CDATA'],
  ['<?', '?>', 'processing instruction'],
];

/**
 * A small XML well-formedness check for the charts: balanced, properly nested tags, quoted
 * attributes, no stray `<` or `&`. Returns the root element's name; throws naming the problem.
 * (Enough for SVG written by Vega; not a validating parser.)
 */
export function checkWellFormedXml(text: string): string {
  const stack: string[] = [];
  let root: string | undefined;
  let i = 0;
  const fail = (message: string): never => {
    throw new Error(`${message} at offset ${i}: ${JSON.stringify(text.slice(i, i + 40))}`);
  };
  const checkText = (chunk: string) => {
    if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(chunk)) fail('bare &');
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt === -1) {
      checkText(text.slice(i));
      if (text.slice(i).trim() !== '' && stack.length === 0) fail('text after the root element');
      break;
    }
    checkText(text.slice(i, lt));
    i = lt;
    const skipped = SKIPPED.find(([open]) => text.startsWith(open, i));
    if (skipped) {
      const [, close, what] = skipped;
      const end = text.indexOf(close, i);
      if (end === -1) fail(`unclosed ${what}`);
      i = end + close.length;
      continue;
    }
    if (text.startsWith('<!DOCTYPE', i)) {
      const end = text.indexOf('>', i);
      i = end + 1;
      continue;
    }
    const closing = text[i + 1] === '/';
    const match = /^<\/?([A-Za-z_][\w:.-]*)/.exec(text.slice(i, i + 200));
    if (!match) fail('bad tag');
    const name = match![1];
    let j = i + match![0].length;
    // Attributes: name="value" or name='value'.
    for (;;) {
      while (/\s/.test(text[j])) j++;
      if (text[j] === '>' || text.startsWith('/>', j)) break;
      if (closing) fail('attributes on a closing tag');
      const attr = /^[A-Za-z_][\w:.-]*\s*=\s*("[^"<]*"|'[^'<]*')/.exec(text.slice(j, j + 100_000));
      if (!attr) {
        i = j;
        fail('bad attribute');
      }
      checkText(attr![1]);
      j += attr![0].length;
    }
    const selfClosing = text.startsWith('/>', j);
    i = j + (selfClosing ? 2 : 1);
    if (closing) {
      const open = stack.pop();
      if (open !== name) fail(`</${name}> closes <${open}>`);
    } else {
      if (stack.length === 0) {
        if (root !== undefined) fail('a second root element');
        root = name;
      }
      if (!selfClosing) stack.push(name);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.at(-1)}>`);
  if (root === undefined) throw new Error('no root element');
  return root;
}
