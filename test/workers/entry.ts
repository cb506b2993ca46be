/**
 * The Worker under test: the API's handler as the default export (and its Quarantine entrypoint), and the dispatcher's entrypoints
 * (RouteControl, so the API's ROUTES binding reaches the same route cache the dispatcher tests use;
 * FerryEgress, the local egress gate the Worker Loader runtime hands tenant isolates).
 * Tests call the dispatcher's handler directly (see ./platform.ts).
 */

export { FerryAssets, FerryEgress, RouteControl } from "../../dispatch/src/index";
export { default, Quarantine } from "../../workers/api/src/index";
// The stand-in dispatch namespace's outbound Worker (see ./cloudflare/dispatch-namespace.ts).
export { FakeNamespaceOutbound } from "./cloudflare/dispatch-namespace";
