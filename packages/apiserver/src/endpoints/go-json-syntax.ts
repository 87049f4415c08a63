// The syntax error Go's encoding/json reports for a document it cannot
// read (its scanner's first error): "invalid character 'x' looking for
// beginning of value", "unexpected end of JSON input"… kube-apiserver puts
// these texts in its 400s, so JSON.parse's own wording is not used.

/** Go's quoteChar: the offending byte as a quoted character. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  const s = String.fromCharCode(c);
  const named: Record<string, string> = {
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
    "\\": "\\\\",
  };
  if (named[s]) return `'${named[s]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, "0")}'`;
  if (c >= 0x80 && c <= 0x9f) return `'\\u00${c.toString(16).padStart(2, "0")}'`;
  if (c === 0xad) return "'\\u00ad'";
  return `'${s}'`;
}

class Syntax extends Error {}

/**
 * The message of the first syntax error in `text`, as Go's json.Unmarshal
 * words it; undefined when Go would read it (e.g. JSON.parse disagreed).
 */
export function goJsonSyntaxError(text: string): string | undefined {
  const b = Buffer.from(text, "utf8");
  let i = 0;
  const fail = (context: string): never => {
    if (i >= b.length) throw new Syntax("unexpected end of JSON input");
    throw new Syntax(`invalid character ${quoteChar(b[i]!)} ${context}`);
  };
  const ws = () => {
    while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  };
  const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
  const isHex = (c: number | undefined) =>
    c !== undefined && (isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46));
  const literal = (word: string) => {
    i++;
    for (let k = 1; k < word.length; k++, i++) {
      if (b[i] !== word.charCodeAt(k)) fail(`in literal ${word} (expecting '${word[k]}')`);
    }
  };
  const string = () => {
    i++;
    for (;;) {
      const c = b[i];
      if (c === undefined) fail("");
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x5c) {
        i++;
        const e = b[i];
        if (e === undefined) fail("");
        if (e === 0x75) {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!isHex(b[i])) fail("in \\u hexadecimal character escape");
          continue;
        }
        if (!'"\\/bfnrt'.includes(String.fromCharCode(e!))) fail("in string escape code");
        i++;
        continue;
      }
      if (c! < 0x20) fail("in string literal");
      i++;
    }
  };
  const number = () => {
    if (b[i] === 0x2d) {
      i++;
      if (!isDigit(b[i])) fail("in numeric literal");
    }
    if (b[i] === 0x30) i++;
    else while (isDigit(b[i])) i++;
    if (b[i] === 0x2e) {
      i++;
      if (!isDigit(b[i])) fail("after decimal point in numeric literal");
      while (isDigit(b[i])) i++;
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === 0x2d) i++;
      if (!isDigit(b[i])) fail("in exponent of numeric literal");
      while (isDigit(b[i])) i++;
    }
  };
  let depth = 0;
  const value = (): void => {
    ws();
    const c = b[i];
    if (c === 0x7b) {
      if (++depth > 10000) throw new Syntax("exceeded max depth");
      i++;
      ws();
      if (b[i] === 0x7d) {
        i++;
        depth--;
        return;
      }
      for (;;) {
        ws();
        if (b[i] !== 0x22) fail("looking for beginning of object key string");
        string();
        ws();
        if (b[i] !== 0x3a) fail("after object key");
        i++;
        value();
        ws();
        if (b[i] === 0x2c) {
          i++;
          continue;
        }
        if (b[i] === 0x7d) {
          i++;
          depth--;
          return;
        }
        fail("after object key:value pair");
      }
    }
    if (c === 0x5b) {
      if (++depth > 10000) throw new Syntax("exceeded max depth");
      i++;
      ws();
      if (b[i] === 0x5d) {
        i++;
        depth--;
        return;
      }
      for (;;) {
        value();
        ws();
        if (b[i] === 0x2c) {
          i++;
          continue;
        }
        if (b[i] === 0x5d) {
          i++;
          depth--;
          return;
        }
        fail("after array element");
      }
    }
    if (c === 0x22) string();
    else if (c === 0x2d || isDigit(c)) number();
    else if (c === 0x74) literal("true");
    else if (c === 0x66) literal("false");
    else if (c === 0x6e) literal("null");
    else fail("looking for beginning of value");
  };
  try {
    value();
    ws();
    if (i < b.length) fail("after top-level value");
    return undefined;
  } catch (e) {
    if (e instanceof Syntax) return e.message;
    throw e;
  }
}
