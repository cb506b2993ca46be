/** Everything one run measured, as numbers; report/rows.ts turns it into the table. */
import type { RedeploySample } from "./measure/assets.ts";
import type { BindingResults } from "./measure/bindings.ts";
import type { FirstRequests } from "./measure/cold-start.ts";
import type { DeployThroughput } from "./measure/deploy-throughput.ts";
import type { DistinctServe } from "./measure/distinct.ts";
import type { TelemetryResults } from "./measure/telemetry.ts";
import type { WasiResults } from "./measure/wasi.ts";
import type { SeedReport } from "./seed.ts";
import type { LoadResult } from "./wrk-output.ts";

export interface LoadSettings {
	durationSeconds: number;
	connections: number;
	threads: number;
	/** A short wrk run before each measured one (isolates started, JIT warm), not counted. */
	warmupSeconds: number;
	/** Compared loads (dispatched vs direct, 10 vs 10,000 deployed) are run this many times each, alternately; the best counts. */
	rounds: number;
}

export interface Results {
	settings: LoadSettings;
	/** The JS hello world through the dispatcher and served directly, `connections` connections. */
	dispatched: LoadResult;
	direct: LoadResult;
	/** The same over one connection: latency without queueing. */
	dispatchedOne: LoadResult;
	directOne: LoadResult;
	/**
	 * The direct hello world behind one service-binding hop (baseline.ts): what one isolate boundary
	 * costs on this runtime, the floor under any dispatcher that keeps tenants in their own isolates.
	 */
	hop: LoadResult;
	hopOne: LoadResult;
	/** A warm KV read per request against the JS hello world, one connection each, alternately (measure/bindings.ts). */
	bindings: BindingResults;
	/** The hello world with telemetry collection on and off, and live tail delivery (measure/telemetry.ts). */
	telemetry: TelemetryResults;
	/** WASI hello world through the dispatcher, and the JS hello world measured alternately with it, with workerd's CPU per request (measure/wasi.ts). */
	wasi: WasiResults;
	/** The hello world reading 8 secrets from env on each request, and the JS hello world measured alternately with it. */
	secrets: { secrets: LoadResult; hello: LoadResult };
	/** Milliseconds: the first request to a newly deployed script (which its deploy prepared), and warm requests to the same. */
	coldStart: FirstRequests;
	/**
	 * The same for deployed scripts the running platform never served nor prepared (started on
	 * existing state, then settled): among the newest deployments, whose code the route table's load
	 * read ahead, and from the middle of the range, whose code is read on the request.
	 */
	coldUnprepared: { readAhead: FirstRequests; notReadAhead: FirstRequests };
	/** Milliseconds from sending the upload to the first 200 from the new deployment. */
	deployMs: number[];
	/** New scripts deployed through the API, several in flight: deploys per second and CPU per deploy. */
	deployThroughput: DeployThroughput;
	/** `npm run dev` with existing state: spawn → first answer, and what it printed (its node process start → ready). */
	startReady: { processMs: number; reportedMs: number | undefined }[];
	scale: {
		/** Scripts deployed in the large state (10,000, or fewer in a --quick run without it). */
		deployed: number;
		/** The hot set with only itself deployed, and with `deployed` deployed. */
		few: LoadResult;
		many: LoadResult;
		/** The seeding of the large state: by this run, or the earlier one whose state it reused. */
		seeding: SeedReport;
		/** Every script of it requested once, before the hot set runs (measure/distinct.ts). */
		distinct: DistinctServe;
	};
	/** Requests spread evenly over n scripts (of the large state). */
	spread: { scripts: number; result: LoadResult }[];
	/** The platform's workerd VmRSS after the spread runs, in bytes. */
	workerdRssBytes: number | undefined;
	assets: {
		/** A small file of an assets-only site through the dispatcher, and the JS hello world, measured alternately. */
		small: LoadResult;
		hello: LoadResult;
		/** Redeploys of a 1,000-file site with one file changed, `ferry deploy` spawned each time. */
		redeploys: RedeploySample[];
	};
}
