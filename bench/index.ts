/**
 * `npm run bench`: the local platform under load, against a baseline, with the issue's targets
 * (docs/benchmarks.md says what each row measures). One fresh platform lives through the run; the
 * large state (10,000 scripts, seeded once and kept) is started beside it for the scale rows, then
 * `npm run dev` is started a few times on that state (start → ready), and the fresh platform serves
 * the hello world comparisons, cold starts and deploys last. Ctrl-C stops everything (cleanup.ts).
 */
import { localAdminToken } from "../local/platform.ts";
import { formatMs } from "../workers/shared/format.ts";
import { cleanUp, cleanUpOnSignals } from "./cleanup.ts";
import { BENCHMARKS_DOC, writeResults } from "./docs-file.ts";
import { log } from "./log.ts";
import { describeMachine, machineLine } from "./machine.ts";
import { measureBindings } from "./measure/bindings.ts";
import { measureHotPath } from "./measure/hot-path.ts";
import { measureTelemetry } from "./measure/telemetry.ts";
import { FULL_SEED, parseOptions, QUICK_SEED } from "./options.ts";
import {
	deployBurst,
	deployLatency,
	freshStateMeasurements,
	logTelemetry,
	startFreshPlatform,
	wasiAgainstHello,
} from "./phases/fresh-state.ts";
import { coldStartsOnState, largeStatePhase } from "./phases/large-state.ts";
import {
	bindingsRows,
	coldUnpreparedRows,
	deployLatencyRow,
	deployThroughputRow,
	hotPathRows,
	missingRouteRow,
	rows,
	scaleRows,
	telemetryRows,
	wasiRow,
} from "./report/rows.ts";
import { renderTable } from "./report/table.ts";
import type { Results } from "./results.ts";
import { isSeeded, seededStateDir } from "./seed.ts";
import { timeDevStart } from "./start-ready.ts";
import { requireWrk } from "./wrk.ts";

cleanUpOnSignals();
const options = parseOptions(process.argv.slice(2));
const machine = describeMachine(requireWrk());
const started = performance.now();
// A --quick run seeds a small state rather than spend minutes on the 10,000, unless they are there.
const scripts = options.quick && !isSeeded(seededStateDir(FULL_SEED)) ? QUICK_SEED : FULL_SEED;
log(machineLine(machine));

/** `--only bindings`: the bindings rows alone, on a fresh platform, printed. */
async function onlyBindings(): Promise<void> {
	const fresh = await startFreshPlatform();
	log(
		"a warm KV read, a service binding RPC, a small R2 get, a Durable Object round trip and a D1 single-row read per request, and the JS hello world, one connection, alternately",
	);
	const bindings = await measureBindings(options.load, fresh.bench.port);
	await fresh.stop();
	console.log(`\n${machineLine(machine)}\n\n${renderTable(bindingsRows(bindings))}\n`);
}

/** `--only telemetry`: collection on vs off and the live tail, on a fresh platform and one without collection, printed. */
async function onlyTelemetry(): Promise<void> {
	const fresh = await startFreshPlatform();
	log("the JS hello world with telemetry collection on and off, alternately; then the live tail");
	const telemetry = await measureTelemetry(options.load, fresh.bench.port, fresh.token);
	logTelemetry(telemetry);
	await fresh.stop();
	console.log(`\n${machineLine(machine)}\n\n${renderTable(telemetryRows(telemetry, options.load.connections))}\n`);
}

/** `--only deploys`: the deploy latency and deploys-per-second rows alone, on a fresh platform, printed. */
async function onlyDeploys(): Promise<void> {
	const fresh = await startFreshPlatform();
	const deployMs = await deployLatency(fresh, options.deploys);
	const burst = await deployBurst(fresh, options.deployBurst);
	await fresh.stop();
	console.log(`\n${machineLine(machine)}\n\n${renderTable([deployLatencyRow(deployMs), deployThroughputRow(burst)])}\n`);
}

/** `--only scale`: the large state's rows (seeded if needed: every script served once, the hot set, the spreads), printed. */
async function onlyScale(): Promise<void> {
	const fresh = await startFreshPlatform();
	const large = await largeStatePhase(options, scripts, fresh);
	await fresh.stop();
	console.log(`\n${machineLine(machine)}\n\n${renderTable(scaleRows(large, `${options.load.connections} conn`))}\n`);
}

/** `--only cold`: the unprepared cold starts on the seeded state and the route read alone, printed. */
async function onlyCold(): Promise<void> {
	// 15 samples even with --quick: they take well under a second; the seeding is what takes time.
	const { unprepared, missing } = await coldStartsOnState({ ...options, coldSamples: 15 }, scripts);
	console.log(`\n${machineLine(machine)}\n\n${renderTable([...coldUnpreparedRows(unprepared), missingRouteRow(missing)])}\n`);
}

/** `--only hot`: a warm request's CPU per process, dispatched (telemetry on and off) against direct and the two hop references, printed. */
async function onlyHot(): Promise<void> {
	const fresh = await startFreshPlatform();
	log("the JS hello world: CPU per request per process, direct, behind a hop, behind the edge's hop, dispatched; alternately");
	const hot = await measureHotPath(options.load, fresh.bench);
	await fresh.stop();
	console.log(`\n${machineLine(machine)}\n\n${renderTable(hotPathRows(hot, options.load.connections))}\n`);
}

/** `--only wasi`: the WASI hello world against the JS one, on a fresh platform, printed. */
async function onlyWasi(): Promise<void> {
	const fresh = await startFreshPlatform();
	const wasi = await wasiAgainstHello(fresh, options.load);
	await fresh.stop();
	console.log(`\n${machineLine(machine)}\n\n${renderTable([wasiRow(wasi, options.load.connections)])}\n`);
}

async function fullRun(): Promise<void> {
	const fresh = await startFreshPlatform();
	const large = await largeStatePhase(options, scripts, fresh);

	log(`start → ready: npm run dev, ${options.starts} starts on existing state`);
	const startReady: Results["startReady"] = [];
	for (let i = 0; i < options.starts; i++) {
		const sample = await timeDevStart(seededStateDir(scripts), localAdminToken());
		log(`  ${formatMs(sample.processMs)}`);
		startReady.push(sample);
	}

	const measured = await freshStateMeasurements(fresh, options);
	await fresh.stop();

	const results: Results = { settings: options.load, ...measured, ...large, startReady };
	const { durationSeconds, connections, threads } = options.load;
	const report = [
		`${machineLine(machine)}`,
		"",
		`\`npm run bench${options.quick ? " -- --quick" : ""}\`: wrk ${durationSeconds} s per run after a ${options.load.warmupSeconds} s warm-up, ${connections} connections, ${threads} thread${threads === 1 ? "" : "s"}; compared loads best of ${options.load.rounds}, run alternately.`,
		"",
		renderTable(rows(results)),
	].join("\n");
	console.log(`\n${report}\n`);
	if (options.write) {
		writeResults(report);
		log(`wrote the table into ${BENCHMARKS_DOC}`);
	}
	log(`done in ${formatMs(performance.now() - started)}`);
}

try {
	const only = {
		bindings: onlyBindings,
		telemetry: onlyTelemetry,
		deploys: onlyDeploys,
		cold: onlyCold,
		scale: onlyScale,
		hot: onlyHot,
		wasi: onlyWasi,
	};
	await (options.only ? only[options.only]() : fullRun());
} catch (error) {
	log(`failed: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
} finally {
	await cleanUp();
}
