import { Metadata, type UntypedServiceImplementation } from "@grpc/grpc-js";
import type { CallSink, RelayClient } from "./relay-client.js";
import { FrameType } from "./relay-frames.js";
import type { RelayMethod } from "./relay-methods.js";

/** What the JSON gateway gives a handler: its stand-ins for grpc-js's calls. */
interface GatewayCall {
  request?: unknown;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  write(message: unknown): boolean;
  end(): void;
  emit(event: string, ...args: unknown[]): boolean;
}

type UnaryCallback = (e: { code: number; details: string; metadata: Metadata } | null, r?: unknown) => void;

/**
 * Service implementations for a worker's JSON gateway: each call is encoded,
 * run on the sequencer through the relay, and its answers decoded again.
 */
export function relayServices(
  relay: RelayClient,
  methods: RelayMethod[],
  serviceCount: number,
): UntypedServiceImplementation[] {
  const impls: UntypedServiceImplementation[] = Array.from({ length: serviceCount }, () => ({}));
  const fail = (code: number, details: string) => ({ code, details, metadata: new Metadata() });
  for (const m of methods) {
    const encode = (r: unknown) => m.def.requestSerialize(r);
    const decode = (b: Buffer) => m.def.responseDeserialize(b);
    impls[m.service]![m.name] = (!m.def.requestStream && !m.def.responseStream
      ? (call: GatewayCall, callback: UnaryCallback) => {
          const id = relay.open(m.index, encode(call.request), {
            reply: (b, sent) => {
              callback(null, decode(b));
              sent?.();
            },
            error: (code, details) => callback(fail(code, details)),
          });
          call.on("cancelled", () => relay.cancel(id));
        }
      : (call: GatewayCall) => {
          let paused = false;
          const sink: CallSink = {
            message: (b) => {
              if (!call.write(decode(b)) && !paused) {
                paused = true;
                relay.send(FrameType.Pause, id);
              }
            },
            end: () => call.end(),
            error: (code, details) => call.emit("error", fail(code, details)),
          };
          const id = relay.open(m.index, m.def.requestStream ? undefined : encode(call.request), sink);
          call.on("drain", () => {
            if (!paused) return;
            paused = false;
            relay.send(FrameType.Resume, id);
          });
          if (m.def.requestStream) {
            call.on("data", (msg) => relay.send(FrameType.Message, id, encode(msg)));
            call.on("end", () => relay.send(FrameType.HalfClose, id));
          }
          const gone = () => relay.cancel(id);
          call.on("cancelled", gone);
          call.on("close", gone);
        }) as unknown as UntypedServiceImplementation[string];
  }
  return impls;
}
