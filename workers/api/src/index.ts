import { app } from "./app";

export { Quarantine } from "./quarantine";

export default { fetch: app.fetch } satisfies ExportedHandler<ApiEnv>;
