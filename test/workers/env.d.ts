/// <reference types="@cloudflare/vitest-plugin/types" />

// The test Worker has the API's bindings (generated ApiEnv), which include all the dispatcher's but
// its production-only dispatch namespace and what only the local runtime processes have (PLATFORM,
// the wall-clock var, the local request.cf), plus the migrations vitest.config.ts passes in.
interface DispatchEnv extends ApiEnv {
	DISPATCHER?: DispatchNamespace;
	PLATFORM?: Fetcher;
	WALL_CLOCK_LIMIT_MS?: string;
	LOCAL_REQUEST_CF?: object;
	OBJECTS?: DurableObjectNamespace<import("../../dispatch/src/resources/durable-objects").FerryObjectHost>;
}

declare namespace Cloudflare {
	interface Env {
		TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
		/** Examples and fixtures by repository path, base64 (vitest.config.ts). */
		TEST_FILES: Record<string, string>;
		/** The resources Worker's one local bucket of tenant buckets (workers/resources/src/r2.ts). */
		TENANT_BUCKETS: R2Bucket;
		TENANT_DATABASE: DurableObjectNamespace<import("../../workers/resources/src/database").TenantDatabase>;
	}
}

// The telemetry Worker's env (its generated TelemetryEnv is not part of this project's types).
interface TelemetryEnv {
	SCRIPT_TELEMETRY: DurableObjectNamespace<import("../../workers/telemetry/src/store").ScriptTelemetry>;
	TENANT_EVENTS: DurableObjectNamespace<import("../../workers/telemetry/src/events").TenantEvents>;
}

// The resources Worker's env (its generated ResourcesEnv is not part of this project's types).
interface ResourcesEnv {
	TENANT_RESOURCE: DurableObjectNamespace<import("../../workers/resources/src/store").TenantResource>;
	TENANT_BUCKETS: R2Bucket;
	TENANT_DATABASE: DurableObjectNamespace<import("../../workers/resources/src/database").TenantDatabase>;
}

// The outbound Worker's env (its generated OutboundEnv is not part of this project's types).
interface OutboundEnv {
	DB: D1Database;
}
