import type { ServerResponse } from "node:http";
import type { Http2ServerResponse } from "node:http2";

// kube-apiserver's warning recorder: each warning once, as a
// `Warning: 299 - "text"` header, truncated as kube truncates them (4096
// runes in all, then 256 per warning).

const TOTAL_RUNES = 4 * 1024;
const ITEM_RUNES = 256;

/** kube's makeQuotedString, with what Node cannot put in a header made safe. */
function header(text: string): string {
  const quoted = `299 - "${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  // Control characters become spaces (as Go writes newlines in headers); Node refuses characters above U+00FF
  // in headers, so those are escaped as Go escapes them.
  return quoted.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, " ").replace(/[^\u0000-\u00ff]/gu, (c) => {
    const cp = c.codePointAt(0)!;
    return cp > 0xffff ? `\\U${cp.toString(16).padStart(8, "0")}` : `\\u${cp.toString(16).padStart(4, "0")}`;
  });
}

const runes = (s: string) => [...s].length;
const truncate = (s: string) => [...s].slice(0, ITEM_RUNES).join("");

export class Warnings {
  private readonly recorded = new Set<string>();
  private readonly ordered: string[] = [];
  private headers: string[] = [];
  private written = 0;
  private truncating = false;

  constructor(private readonly res: ServerResponse | Http2ServerResponse) {}

  add(text: string): void {
    if (text === "" || (this.truncating && this.written >= TOTAL_RUNES) || this.recorded.has(text)) return;
    this.recorded.add(text);
    this.ordered.push(text);
    const item = this.truncating ? truncate(text) : text;
    if (this.truncating || this.written + runes(item) <= TOTAL_RUNES) {
      this.written += runes(item);
      this.headers.push(header(item));
    } else {
      this.truncating = true;
      this.written = 0;
      this.headers = this.ordered.map((t) => {
        const short = truncate(t);
        this.written += runes(short);
        return header(short);
      });
    }
    if (!this.res.headersSent) this.res.setHeader("warning", this.headers);
  }
}
