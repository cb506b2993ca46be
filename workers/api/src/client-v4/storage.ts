/**
 * `wrangler delete` lists the account's KV namespaces to remove a legacy Workers Sites namespace of
 * the script's. Ferry has none of those, and a tenant's KV bindings are provisioned by name on
 * deploy, never created or listed through /client/v4: the list is empty (docs/wrangler.md).
 */
import { factory } from "../env";
import { onePage } from "./envelope";

export const storageEndpoints = factory.createApp().get("/kv/namespaces", (c) => onePage(c, []));
