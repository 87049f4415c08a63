import type { ServerResponse } from "node:http";
import type { Http2ServerResponse } from "node:http2";
import type { UserInfo } from "../auth/user-info.js";

// kube-apiserver's --max-requests-inflight and --max-mutating-requests-inflight
// (its limiter without priority and fairness): at most so many requests of
// each kind are served at once; one more is answered 429 with Retry-After: 1
// at once instead of queueing without bound. Long-running requests (watches)
// and system:masters are not counted, as in kube.

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const PRIVILEGED_GROUP = "system:masters";
const TOO_MANY = "Too many requests, please try again later.\n";

export class InflightLimit {
  private readOnly = 0;
  private mutating = 0;

  /** A limit of 0 leaves that kind unlimited. */
  constructor(
    private readonly maxReadOnly: number,
    private readonly maxMutating: number,
  ) {}

  /**
   * Takes a slot for a request: returns its release (call it once, when the
   * request is done), undefined when the request is not counted, or false
   * when its kind is at its limit.
   */
  enter(method: string, longRunning: boolean, user: UserInfo): (() => void) | undefined | false {
    if (longRunning || user.groups.includes(PRIVILEGED_GROUP)) return undefined;
    if (MUTATING.has(method)) {
      if (this.maxMutating <= 0) return undefined;
      if (this.mutating >= this.maxMutating) return false;
      this.mutating++;
      return once(() => this.mutating--);
    }
    if (this.maxReadOnly <= 0) return undefined;
    if (this.readOnly >= this.maxReadOnly) return false;
    this.readOnly++;
    return once(() => this.readOnly--);
  }
}

function once(f: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    f();
  };
}

/** kube's answer past the limit: plain text, as Go's http.Error writes it. */
export function writeTooManyRequests(res: ServerResponse | Http2ServerResponse): void {
  res.writeHead(429, {
    "retry-after": "1",
    "content-type": "text/plain; charset=utf-8",
    "x-content-type-options": "nosniff",
  });
  res.end(TOO_MANY);
}
