import type { ServerWritableStream } from "@grpc/grpc-js";
import type { election } from "@wharf/etcd-api";
import type { Brain } from "../brain.js";
import { Elections } from "../concurrency/election.js";
import { concurrencyUnary } from "./concurrency-unary.js";

/** etcd's Election service (v3election): a thin adapter over concurrency/election.ts. */
export function electionService(brain: Brain): election.ElectionServer {
  const elections = new Elections(brain);
  return {
    campaign: concurrencyUnary(async (req: election.CampaignRequest, signal) =>
      brain.fill(await elections.campaign(req.name, req.lease, req.value, signal)),
    ),
    proclaim: concurrencyUnary(async (req: election.ProclaimRequest) =>
      brain.fill(await elections.proclaim(req.leader, req.value)),
    ),
    leader: concurrencyUnary((req: election.LeaderRequest) => brain.fill(elections.leader(req.name))),
    resign: concurrencyUnary(async (req: election.ResignRequest) => brain.fill(await elections.resign(req.leader))),
    observe: (call: ServerWritableStream<election.LeaderRequest, election.LeaderResponse>) => {
      // Runs until the client goes away, as etcd's does; there is no end from the server side.
      const stop = elections.observe(call.request.name, (s) => {
        if (!call.cancelled) call.write(brain.fill({ header: s.header, kv: s.kv }));
      });
      call.on("cancelled", stop);
      call.on("close", stop);
      call.on("error", stop);
    },
  };
}
