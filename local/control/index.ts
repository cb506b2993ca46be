/**
 * The local platform's control Worker (local/control/wrangler.toml), in the control process beside
 * the API: the edge on the public port (its fetch handler, ./edge.ts) and the entrypoints the other
 * processes and the supervisor reach it through. Local only: in production Cloudflare routes hosts to
 * the dispatcher and the API itself, and the dispatcher reads D1 and R2 in-process.
 */
import { edge } from "./edge";

export { ObjectAlarmClock } from "./object-alarms";
export { PlatformServices } from "./platform-services";
export { ProbeRouter } from "./probes";
export { RouteControl } from "./route-control";
export { Supervision } from "./supervision";

export default { fetch: edge } satisfies ExportedHandler<ControlEnv>;
