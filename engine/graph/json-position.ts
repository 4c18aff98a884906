/**
 * Finds where a JSON text goes wrong, as offset, line and column, for `malformed_json` issues.
 * `JSON.parse` messages differ between Node versions and only some carry a position, so this
 * small scanner re-reads the text after a failed parse. It keeps an explicit stack rather than
 * recursing, so a deeply nested document cannot overflow the call stack.
 */

export interface JsonSyntaxError {
  /** Zero-based character offset. */
  offset: number;
  /** One-based line and column. */
  line: number;
  column: number;
  /** What was expected there. */
  reason: string;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

type Mode = 'value' | 'key' | 'colon' | 'after';

/** Returns the first syntax error in `text`, or undefined when it is valid JSON. */
export function locateJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const stack: ('{' | '[')[] = [];
  let pos = 0;
  let mode: Mode = 'value';
  const fail = (reason: string, at = pos): JsonSyntaxError => ({ offset: at, ...lineAndColumn(text, at), reason });
  const skipWhitespace = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      pos++;
    }
  };
  /** Reads a string starting at `pos` (a quote); returns an error or undefined. */
  const readString = (): JsonSyntaxError | undefined => {
    const start = pos;
    pos++;
    while (pos < text.length) {
      const c = text[pos]!;
      if (c === '"') {
        pos++;
        return undefined;
      }
      if (c.charCodeAt(0) < 0x20) return fail('a control character (such as a raw line break) inside a string; escape it');
      if (c === '\\') {
        const next = text[pos + 1];
        if (next === 'u') {
          if (!HEX4.test(text.slice(pos + 2, pos + 6))) return fail('a \\u escape needs four hex digits');
          pos += 6;
          continue;
        }
        if (next === undefined || !ESCAPES.has(next)) return fail('an invalid escape sequence in a string');
        pos += 2;
        continue;
      }
      pos++;
    }
    return fail('an unterminated string', start);
  };

  for (;;) {
    skipWhitespace();
    const c = text[pos];
    if (mode === 'value') {
      if (c === undefined) return fail('unexpected end of input: expected a value');
      if (c === '{' || c === '[') {
        pos++;
        skipWhitespace();
        if (text[pos] === (c === '{' ? '}' : ']')) {
          pos++;
          mode = 'after';
        } else {
          stack.push(c);
          mode = c === '{' ? 'key' : 'value';
        }
        continue;
      }
      if (c === '"') {
        const error = readString();
        if (error) return error;
        mode = 'after';
        continue;
      }
      if (c === '-' || (c >= '0' && c <= '9')) {
        NUMBER.lastIndex = pos;
        const match = NUMBER.exec(text);
        if (!match) return fail('an invalid number');
        pos += match[0].length;
        mode = 'after';
        continue;
      }
      const word = ['true', 'false', 'null'].find((candidate) => text.startsWith(candidate, pos));
      if (word) {
        pos += word.length;
        mode = 'after';
        continue;
      }
      return fail(`unexpected ${JSON.stringify(c)}: expected a value (object, array, string, number, true, false or null)`);
    }
    if (mode === 'key') {
      if (c !== '"') return fail(c === undefined ? 'unexpected end of input: expected a property name' : `unexpected ${JSON.stringify(c)}: expected a double-quoted property name`);
      const error = readString();
      if (error) return error;
      mode = 'colon';
      continue;
    }
    if (mode === 'colon') {
      if (c !== ':') return fail(c === undefined ? "unexpected end of input: expected ':'" : `unexpected ${JSON.stringify(c)}: expected ':' after a property name`);
      pos++;
      mode = 'value';
      continue;
    }
    // mode === 'after': a value has just ended.
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (c === undefined) return undefined;
      return fail(`unexpected ${JSON.stringify(c)} after the end of the JSON value`);
    }
    const close = top === '{' ? '}' : ']';
    if (c === ',') {
      pos++;
      mode = top === '{' ? 'key' : 'value';
      continue;
    }
    if (c === close) {
      pos++;
      stack.pop();
      continue;
    }
    return fail(c === undefined ? `unexpected end of input: expected ',' or '${close}'` : `unexpected ${JSON.stringify(c)}: expected ',' or '${close}'`);
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
