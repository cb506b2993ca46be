/** `npm run bench -- [--quick] [--duration S] [--connections N] [--threads N] [--no-write]`. */
import { parseArgs } from "node:util";
import type { LoadSettings } from "./results.ts";

export interface BenchOptions {
	quick: boolean;
	load: LoadSettings;
	/** Cold-start samples and deploys timed. */
	coldSamples: number;
	deploys: number;
	/** New scripts deployed in the deploys-per-second row (8 in flight). */
	deployBurst: number;
	/** Redeploys of the 1,000-file asset site timed. */
	assetRedeploys: number;
	/** `npm run dev` starts timed. */
	starts: number;
	/** How many scripts the spread runs spread over. */
	spreads: number[];
	/** Write the table into docs/benchmarks.md. */
	write: boolean;
	/** Only these rows, on a fresh platform (nothing written): `bindings`. */
	only?: OnlyRows;
}

export const FULL_SEED = 10_000;
/** A --quick run without the seeded 10,000 seeds this many instead, so that it stays short. */
export const QUICK_SEED = 300;

const positiveInt = (flag: string, text: string): number => {
	const n = Number(text);
	if (!Number.isInteger(n) || n <= 0) {
		console.error(`${flag} needs a positive whole number, not '${text}'`);
		process.exit(1);
	}
	return n;
};

/** The row groups `--only` runs alone. */
const ONLY_ROWS = ["bindings", "telemetry", "deploys", "cold", "hot", "wasi", "scale"] as const;
export type OnlyRows = (typeof ONLY_ROWS)[number];
const isOnlyRows = (value: string): value is OnlyRows => (ONLY_ROWS as readonly string[]).includes(value);

const USAGE = `npm run bench -- [--quick] [--duration SECONDS] [--connections N] [--threads N] [--no-write] [--only ${ONLY_ROWS.join("|")}]`;

const FLAGS = {
	quick: { type: "boolean", default: false },
	duration: { type: "string" },
	connections: { type: "string" },
	threads: { type: "string" },
	"no-write": { type: "boolean", default: false },
	only: { type: "string" },
	help: { type: "boolean", default: false },
} as const;

/** parseArgs, with a mistyped flag told in one line (exit 1) rather than a stack trace. */
function readFlags(argv: string[]) {
	try {
		return parseArgs({ args: argv, options: FLAGS });
	} catch (error) {
		console.error(`${error instanceof Error ? error.message : String(error)}\nusage: ${USAGE}`);
		process.exit(1);
	}
}

export function parseOptions(argv: string[]): BenchOptions {
	const { values } = readFlags(argv);
	if (values.help) {
		console.log(
			`${USAGE}\n` +
				"  --quick        short runs (smoke run, < 2 minutes once seeded: 2 s runs, fewer samples, no\n                 1,000-script spread; seeds 300 scripts if the 10,000 are not there)\n" +
				"  --duration     seconds per measured wrk run (default 5; --quick 2)\n" +
				"  --connections  wrk connections for the throughput rows (default 16)\n" +
				"  --threads      wrk threads (default 1: the rest of the machine is the platform's)\n" +
				"  --no-write     print the table without writing docs/benchmarks.md\n" +
				"  --only         only these rows, printed (bindings: the KV read's and a service binding RPC's cost; telemetry: collection on vs off,\n                 live tail delivery; deploys: deploys per second, 8 in flight;\n                 cold: unprepared cold starts on the seeded state, and the route read alone;\n                 scale: the large state's rows, every script served once first;\n                 hot: a warm request's CPU per process, dispatched against direct and the two hop references;\n                 wasi: the WASI hello world against the JS one, with workerd CPU per request)",
		);
		process.exit(0);
	}
	const quick = values.quick;
	if (values.only !== undefined && !isOnlyRows(values.only)) {
		console.error(`--only takes ${ONLY_ROWS.map((rows) => `'${rows}'`).join(", ")}, not '${values.only}'\nusage: ${USAGE}`);
		process.exit(1);
	}
	return {
		quick,
		load: {
			durationSeconds: values.duration ? positiveInt("--duration", values.duration) : quick ? 2 : 5,
			connections: values.connections ? positiveInt("--connections", values.connections) : 16,
			threads: values.threads ? positiveInt("--threads", values.threads) : 1,
			warmupSeconds: 1,
			rounds: quick ? 1 : 2,
		},
		coldSamples: quick ? 5 : 15,
		deploys: quick ? 20 : 30,
		deployBurst: quick ? 40 : 200,
		assetRedeploys: quick ? 3 : 5,
		starts: quick ? 1 : 3,
		// 1,000 scripts take half a minute of cold starts before their run: too long for a smoke run.
		spreads: quick ? [10, 100] : [10, 100, 1000],
		write: !values["no-write"] && values.only === undefined,
		...(values.only && isOnlyRows(values.only) ? { only: values.only } : {}),
	};
}
