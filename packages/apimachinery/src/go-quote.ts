// Go's strconv.Quote (what fmt's %q prints). Kube's messages embed user input
// through %q, and clients compare those messages verbatim, so JSON.stringify is
// not good enough: it escapes control characters as \u00XX where Go writes
// \x00 or \a, and it leaves DEL and the Unicode line separators unescaped.

const named: Record<number, string> = {
  7: "\\a",
  8: "\\b",
  12: "\\f",
  10: "\\n",
  13: "\\r",
  9: "\\t",
  11: "\\v",
  34: '\\"',
  92: "\\\\",
};

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** Whether Go's unicode.IsPrint would accept the code point (approximated with Unicode categories). */
function isPrint(cp: number): boolean {
  if (cp === 0x20) return true;
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(String.fromCodePoint(cp));
}

export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const esc = named[cp];
    if (esc !== undefined) out += esc;
    else if (isPrint(cp)) out += ch;
    else if (cp < 0x80) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}
