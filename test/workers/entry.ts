/**
 * The Worker under test: the API's handler as the default export (and its Quarantine entrypoint), and the dispatcher's entrypoints
 * (RouteControl, so the API's ROUTES binding reaches the same route cache the dispatcher tests use;
 * FerryEgress, the local egress gate the Worker Loader runtime hands tenant isolates).
 * Tests call the dispatcher's handler directly (see ./platform.ts). The telemetry Worker's entrypoint
 * and store are here too (TELEMETRY, SCRIPT_TELEMETRY), with the dispatcher's FerryTail sending to them.
 */

export { FerryAssets, FerryD1, FerryEgress, FerryKV, FerryR2, FerryService, FerryTail, RouteControl } from "../../dispatch/src/index";
export { default, Quarantine } from "../../workers/api/src/index";
export { Resources, TenantDatabase, TenantResource } from "../../workers/resources/src/index";
export { ScriptTelemetry, Telemetry, TenantEvents } from "../../workers/telemetry/src/index";
// The stand-in dispatch namespace's outbound Worker (see ./cloudflare/dispatch-namespace.ts).
export { FakeNamespaceOutbound } from "./cloudflare/dispatch-namespace";
