import type { IncomingMessage } from "node:http";
import type { Http2ServerRequest } from "node:http2";
import type { TLSSocket } from "node:tls";
import { type UserInfo, withAuthenticatedGroup } from "./user-info.js";

export interface AuthenticatorOptions {
  /** Bearer tokens from --token-auth-file. */
  tokens?: Map<string, UserInfo>;
  /** Whether verified client certificates authenticate (--client-ca-file given). */
  clientCertificates: boolean;
  /** --anonymous-auth: unauthenticated requests become system:anonymous instead of 401. */
  anonymous: boolean;
}

const ANONYMOUS: UserInfo = { username: "system:anonymous", uid: "", groups: ["system:unauthenticated"] };

/**
 * kube-apiserver's authentication chain, in its order: x509 client
 * certificate (CN is the user, O the groups), then bearer token, then
 * anonymous if enabled. Undefined means 401.
 */
export function authenticate(req: IncomingMessage | Http2ServerRequest, o: AuthenticatorOptions): UserInfo | undefined {
  if (o.clientCertificates) {
    const socket = (req.socket ?? (req as Http2ServerRequest).stream?.session?.socket) as TLSSocket | undefined;
    if (socket?.authorized) {
      const cert = socket.getPeerCertificate();
      const subject = cert?.subject as { CN?: string | string[]; O?: string | string[] } | undefined;
      const cn = Array.isArray(subject?.CN) ? subject.CN[0] : subject?.CN;
      if (cn) {
        const o = subject?.O === undefined ? [] : Array.isArray(subject.O) ? subject.O : [subject.O];
        return withAuthenticatedGroup({ username: cn, uid: "", groups: o });
      }
    }
  }
  const header = req.headers.authorization;
  const auth = Array.isArray(header) ? header[0] : header;
  if (auth) {
    // Credentials that fail are a 401 even with anonymous access on, as in kube-apiserver.
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    const user = m ? o.tokens?.get(m[1]!) : undefined;
    return user ? withAuthenticatedGroup(user) : undefined;
  }
  return o.anonymous ? ANONYMOUS : undefined;
}
