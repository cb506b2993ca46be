/**
 * A script's logs and metrics, and the tenant's usage, as pages; the live log's event stream is the
 * API's live tail passed through with the session's token (the browser's EventSource sends the
 * session cookie, never a token). Another tenant's script is the API's 404, so it is here.
 */
import { z } from "zod";
import { EVENT_STREAM_HEADERS } from "../../../shared/http/sse";
import { factory } from "../env";
import { render } from "../pages/render";
import { scriptPath } from "../pages/scripts";
import { AllUsagePage, LogsPage, MetricsPage, UsagePage } from "../pages/telemetry";

const logsQuery = z.object({
	status: z.string().max(10).optional(),
	q: z.string().max(200).optional(),
	cursor: z.string().max(40).optional(),
});

/** The filters the user set (an empty field is no filter). */
function filtersOf(query: Record<string, string | undefined>) {
	const parsed = logsQuery.safeParse(query);
	const values = parsed.success ? parsed.data : {};
	const set = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
	return { status: set(values.status), q: set(values.q), cursor: set(values.cursor) };
}

export const scriptTelemetryRoutes = factory
	.createApp()
	.get("/:name/logs", async (c) => {
		const name = c.req.param("name");
		const { cursor, ...filters } = filtersOf(c.req.query());
		const page = await c.var.api.scriptLogs(name, { ...filters, cursor, limit: "50" });
		const live = new URLSearchParams(Object.entries(filters).filter((entry): entry is [string, string] => entry[1] !== undefined));
		return render(
			c,
			<LogsPage
				session={c.var.session}
				script={name}
				invocations={page.invocations}
				cursor={page.cursor}
				filters={filters}
				liveSrc={`${scriptPath(name)}/logs/live${live.size ? `?${live}` : ""}`}
				nonce={c.get("secureHeadersNonce")}
			/>,
		);
	})
	.get("/:name/logs/live", async (c) => {
		const { cursor: _, ...filters } = filtersOf(c.req.query());
		const stream = await c.var.api.tailStream(c.req.param("name"), filters);
		return new Response(stream, { headers: EVENT_STREAM_HEADERS });
	})
	.get("/:name/metrics", async (c) => {
		const name = c.req.param("name");
		const since = ["1h", "24h", "7d"].includes(c.req.query("since") ?? "") ? c.req.query("since") : "1h";
		const metrics = await c.var.api.scriptMetrics(name, { since });
		return render(c, <MetricsPage session={c.var.session} script={name} metrics={metrics} />);
	});

/** A tenant's own usage; the operator's session (the admin token) sees every tenant's. */
export const usageRoutes = factory.createApp().get("/", async (c) => {
	if (c.var.session.kind === "operator")
		return render(c, <AllUsagePage session={c.var.session} usage={await c.var.api.allUsage(undefined)} />);
	return render(c, <UsagePage session={c.var.session} usage={await c.var.api.usage(undefined)} />);
});
