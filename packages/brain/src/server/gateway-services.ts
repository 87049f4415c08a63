import { addHandlers, type ServiceHandlers } from "./gateway.js";
import type { BrainService } from "./services.js";

/** The service implementations the JSON gateway calls, by gRPC method path. */
export function gatewayHandlers(services: BrainService[]): ServiceHandlers {
  const h: ServiceHandlers = new Map();
  for (const { def, impl } of services) addHandlers(h, def, impl);
  return h;
}
