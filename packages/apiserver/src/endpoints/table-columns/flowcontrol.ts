import { ageColumn, ageOf, at, column, doc, int, list, nameColumn, nameOf, type Printer, str } from "./object.js";

export const flowSchema: Printer = {
  columns: [
    nameColumn(),
    column("PriorityLevel", "string", doc("flowcontrol/v1beta3.PriorityLevelConfigurationReference.name")),
    column("MatchingPrecedence", "string", doc("flowcontrol/v1beta3.FlowSchemaSpec.matchingPrecedence")),
    column("DistinguisherMethod", "string", doc("flowcontrol/v1beta3.FlowSchemaSpec.distinguisherMethod")),
    ageColumn(),
    column("MissingPL", "string", "references a broken or non-existent PriorityLevelConfiguration"),
  ],
  cells(o, now) {
    const method = at(o, "spec", "distinguisherMethod");
    const dangling = list(at(o, "status", "conditions")).find((c) => str(at(c, "type")) === "Dangling");
    return [
      nameOf(o),
      str(at(o, "spec", "priorityLevelConfiguration", "name")),
      // matchingPrecedence defaults to 1000.
      int(at(o, "spec", "matchingPrecedence"), 1000),
      method === undefined || method === null ? "<none>" : str(at(method, "type")),
      ageOf(o, now),
      dangling === undefined ? "?" : str(at(dangling, "status")),
    ];
  },
};

export const priorityLevelConfiguration: Printer = {
  columns: [
    nameColumn(),
    column("Type", "string", doc("flowcontrol/v1beta3.PriorityLevelConfigurationSpec.type")),
    column(
      "NominalConcurrencyShares",
      "string",
      doc("flowcontrol/v1beta3.LimitedPriorityLevelConfiguration.nominalConcurrencyShares"),
    ),
    column("Queues", "string", doc("flowcontrol/v1beta3.QueuingConfiguration.queues")),
    column("HandSize", "string", doc("flowcontrol/v1beta3.QueuingConfiguration.handSize")),
    column("QueueLengthLimit", "string", doc("flowcontrol/v1beta3.QueuingConfiguration.queueLengthLimit")),
    ageColumn(),
  ],
  cells(o, now) {
    const limited = at(o, "spec", "limited");
    let shares: unknown = "<none>";
    let queues: unknown = "<none>";
    let handSize: unknown = "<none>";
    let queueLengthLimit: unknown = "<none>";
    if (limited !== undefined && limited !== null) {
      // The defaults kube fills in: 30 shares; 64 queues, hand size 8, 50 requests per queue.
      shares = int(at(limited, "nominalConcurrencyShares"), 30);
      const queuing = at(limited, "limitResponse", "queuing");
      if (queuing !== undefined && queuing !== null) {
        queues = int(at(queuing, "queues")) || 64;
        handSize = int(at(queuing, "handSize")) || 8;
        queueLengthLimit = int(at(queuing, "queueLengthLimit")) || 50;
      }
    }
    return [nameOf(o), str(at(o, "spec", "type")), shares, queues, handSize, queueLengthLimit, ageOf(o, now)];
  },
};
