/** The panel Worker (docs/panel.md): the app of ./app.tsx for every request to dash.<PLATFORM_DOMAIN>. */
import { app } from "./app";

export default { fetch: app.fetch } satisfies ExportedHandler<PanelEnv>;
