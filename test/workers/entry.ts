/**
 * The Worker under test: the API's handler as the default export and the dispatcher's RouteControl
 * entrypoint, so the API's ROUTES binding reaches the same route cache the dispatcher tests use.
 * Tests call the dispatcher's handler directly (see ./platform.ts).
 */
export { default } from "../../workers/api/src/index";
export { RouteControl } from "../../dispatch/src/index";
