/**
 * A local runtime process's Worker (wrangler.toml's [env.runtime]): the dispatcher itself, unchanged.
 */
export { default, FerryEgress, RouteControl } from "../../dispatch/src/index";
