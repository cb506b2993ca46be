/**
 * What `wrangler tail` speaks, both ways: the filters it sends when it creates a tail (Cloudflare's
 * `{filters: [{sampling_rate}, {outcome}, {method}, {query}, {scriptVersion}, {header}, {client_ip}]}`)
 * as Ferry's live tail query, and each invocation record as the `trace-v1` message wrangler prints
 * (its `src/tail/printing.ts` reads `outcome`, `eventTimestamp`, `event.request.{method,url}` or
 * `event.{cron,scheduledTime}`, `logs[].{level,message}` and `exceptions[].{name,message,stack}`).
 */
import { z } from "zod";
import { labelUrl } from "../../../shared/hosts";
import { FerryError } from "../../../shared/http/errors";
import type { TailQuery } from "../../../shared/telemetry/query";
import type { InvocationRecord, Outcome } from "../../../shared/telemetry/record";
import { deploymentIdOf, versionIdOf } from "./ids";

/** Cloudflare's outcome names (what wrangler's `--status` sends) as Ferry's. */
const OUTCOME_FROM_CLOUDFLARE: Record<string, Outcome> = {
	ok: "ok",
	canceled: "canceled",
	exception: "exception",
	exceededCpu: "exceeded_limits",
	exceededMemory: "exceeded_limits",
	unknown: "unknown",
};

/** Ferry's outcome as Cloudflare names it; exceeded limits cannot say which, so it is the CPU one. */
const OUTCOME_TO_CLOUDFLARE: Record<Outcome, string> = {
	ok: "ok",
	canceled: "canceled",
	exception: "exception",
	exceeded_limits: "exceededCpu",
	unknown: "unknown",
};

export const tailBody = z.strictObject({
	filters: z.array(z.record(z.string(), z.unknown())).max(20, "at most 20 filters").default([]),
});

const samplingRate = z.number().gt(0, "a share above 0").max(1, "a share up to 1");
const outcomes = z
	.array(z.enum(Object.keys(OUTCOME_FROM_CLOUDFLARE) as [string, ...string[]]))
	.min(1)
	.max(10);
const methods = z
	.array(
		z
			.string()
			.regex(/^[A-Za-z]{1,20}$/, "an HTTP method")
			.transform((m) => m.toUpperCase()),
	)
	.min(1)
	.max(20);
const search = z.string().min(1).max(200);

/** Refused by name: Ferry's records keep neither request headers nor client addresses. */
const REFUSED: Record<string, string> = {
	header: "wrangler tail --header is not supported: Ferry's invocation records do not keep request headers",
	client_ip: "wrangler tail --ip is not supported: Ferry's invocation records do not keep client addresses",
};

function filterValue<T>(schema: z.ZodType<T>, name: string, value: unknown): T {
	const parsed = schema.safeParse(value);
	if (!parsed.success)
		throw new FerryError("invalid_request", `invalid tail filter '${name}': ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
	return parsed.data;
}

/** wrangler's filters as a live tail query; a filter Ferry cannot apply is refused by name, never dropped. */
export function tailQueryOf(filters: readonly Record<string, unknown>[]): TailQuery {
	const query: TailQuery = {};
	for (const filter of filters) {
		const entries = Object.entries(filter);
		const [name, value] = entries[0] ?? [];
		if (entries.length !== 1 || name === undefined)
			throw new FerryError(
				"invalid_request",
				"each tail filter is an object with one key (sampling_rate, outcome, method, query, scriptVersion)",
			);
		const refused = REFUSED[name];
		if (refused) throw new FerryError("unsupported_config", refused);
		switch (name) {
			case "sampling_rate":
				query.sampling = filterValue(samplingRate, name, value);
				break;
			case "outcome":
				query.outcome = [...new Set(filterValue(outcomes, name, value).map((o) => OUTCOME_FROM_CLOUDFLARE[o]!))];
				break;
			case "method":
				query.method = filterValue(methods, name, value);
				break;
			case "query":
				query.q = filterValue(search, name, value);
				break;
			case "scriptVersion": {
				const deployment = deploymentIdOf(filterValue(z.string(), name, value));
				if (deployment === undefined) throw new FerryError("invalid_request", "tail filter 'scriptVersion' is not a version id of Ferry's");
				query.deployment = deployment;
				break;
			}
			default:
				throw new FerryError(
					"unsupported_config",
					`tail filter '${name}' is not supported (Ferry applies sampling_rate, outcome, method, query and scriptVersion)`,
				);
		}
	}
	return query;
}

/** One trace-v1 message, as Cloudflare's tail sends it. */
export interface TraceMessage {
	outcome: string;
	scriptName: string;
	/** The deployment's version id; absent on a notice that is not an invocation. */
	scriptVersion?: { id: string };
	exceptions: { name: string; message: string; stack?: string; timestamp: number }[];
	logs: { message: unknown[]; level: string; timestamp: number }[];
	eventTimestamp: number;
	event:
		| {
				request: { url: string; method: string; headers: Record<string, string>; cf: Record<string, never> };
				response?: { status: number };
		  }
		| { cron: string; scheduledTime: number }
		| { type: "overload"; message: string }
		| null;
	truncated?: boolean;
}

/** A record as wrangler's message; `via` is the URL the tail was opened on, for the script's origin. */
export function traceMessage(record: InvocationRecord, tenantDomain: string, via: URL): TraceMessage {
	const started = Date.parse(record.time);
	let event: TraceMessage["event"] = null;
	if (record.event === "fetch")
		event = {
			request: {
				url: `${labelUrl(record.script, tenantDomain, via).slice(0, -1)}${record.path ?? "/"}`,
				method: record.method ?? "GET",
				// Ferry's records keep neither; wrangler reads neither for its output.
				headers: {},
				cf: {},
			},
			...(record.status !== null ? { response: { status: record.status } } : {}),
		};
	else if (record.event === "scheduled" && record.cron !== null) event = { cron: record.cron, scheduledTime: started };
	return {
		outcome: OUTCOME_TO_CLOUDFLARE[record.outcome],
		scriptName: record.script,
		scriptVersion: { id: versionIdOf(record.deployment_id) },
		exceptions: record.exception
			? [
					{
						name: record.exception.name,
						message: record.exception.message,
						...(record.exception.stack ? { stack: record.exception.stack } : {}),
						timestamp: started,
					},
				]
			: [],
		logs: record.logs.map((line) => ({ message: [line.message], level: line.level, timestamp: Date.parse(line.time) })),
		eventTimestamp: started,
		event,
		...(record.logs_truncated || record.logs_dropped > 0 ? { truncated: true } : {}),
	};
}

/** Records the store skipped past the tail's rate, as Cloudflare's overload notice (wrangler prints its message). */
export function overloadMessage(scriptName: string, count: number, perSecond: number, now: number): TraceMessage {
	return {
		outcome: "ok",
		scriptName,
		exceptions: [],
		logs: [],
		eventTimestamp: now,
		event: { type: "overload", message: `${count} invocations were not sent: a live tail gets at most ${perSecond} a second` },
	};
}
