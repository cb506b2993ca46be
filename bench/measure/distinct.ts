/**
 * Many distinct scripts, each requested once through the platform (issue 19 item 1): every answer
 * must be that script's own text, a failure is counted (never thrown), and meanwhile the platform's
 * workerd RSS is sampled (its peak) and the supervisor's recycles counted. Each runtime process
 * starts an isolate per script it serves and is replaced past `--recycle-after` isolates
 * (docs/architecture.md, "Recycling"), so this is what proves that replacement fails no request.
 */
import { inPool } from "../pool.ts";
import { type Probe, probe } from "../probe.ts";
import { CpuTally } from "../process-cpu.ts";

export interface DistinctServe {
	scripts: number;
	/** Requests whose answer was not a 200 with the script's own text. */
	failed: number;
	/** The first few failures, as `label: status body…`. */
	failures: string[];
	seconds: number;
	/** The sum of the workerd processes' VmRSS, sampled every 250 ms: the highest seen, in bytes. */
	peakRssBytes: number | undefined;
	/** Processes the supervisor recycled meanwhile. */
	recycles: number;
	/** workerd CPU per request, in ms: the control process (edge, route reads, telemetry's store) and the runtimes (code reads, isolate starts, the tenant's code). */
	cpuMsPerRequest: { control: number; runtimes: number };
}

const SAMPLE_MS = 250;
const FAILURES_KEPT = 5;

export async function serveEachOnce(options: {
	port: number;
	labels: string[];
	/** The text each script answers (seed.ts). */
	expected: (index: number) => string;
	inFlight: number;
	rss: () => number | undefined;
	recycles: () => number;
	/** The platform's workerd processes now (BenchPlatform's workerdProcesses): recycled runtimes come and go. */
	processes: () => { control: number[]; runtimes: number[] };
	log: (line: string) => void;
}): Promise<DistinctServe> {
	const { labels, inFlight } = options;
	let peak: number | undefined;
	const cpu = new CpuTally(options.processes);
	const sample = () => {
		const now = options.rss();
		if (now !== undefined && (peak === undefined || now > peak)) peak = now;
		cpu.sample();
	};
	const sampler = setInterval(sample, SAMPLE_MS);
	const recyclesBefore = options.recycles();
	const connections: Probe[] = Array.from({ length: inFlight }, () => probe(options.port));
	const free = [...connections];
	const failures: string[] = [];
	let failed = 0;
	let done = 0;
	const started = performance.now();
	try {
		await inPool(
			labels.map((label, index) => ({ label, index })),
			inFlight,
			async ({ label, index }) => {
				const connection = free.pop()!;
				try {
					const answer = await connection.get(`${label}.localhost`);
					if (answer.status !== 200 || answer.body !== options.expected(index)) {
						failed++;
						if (failures.length < FAILURES_KEPT) failures.push(`${label}: ${answer.status} ${answer.body.slice(0, 80)}`);
					}
				} catch (error) {
					failed++;
					if (failures.length < FAILURES_KEPT) failures.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
				} finally {
					free.push(connection);
				}
				if (++done % 1000 === 0)
					options.log(`  ${done}/${labels.length} in ${((performance.now() - started) / 1000).toFixed(0)} s, ${failed} failed`);
			},
		);
	} finally {
		clearInterval(sampler);
		for (const connection of connections) connection.close();
	}
	sample();
	const { control = 0, runtimes = 0 } = cpu.spentMs();
	return {
		scripts: labels.length,
		failed,
		failures,
		seconds: (performance.now() - started) / 1000,
		peakRssBytes: peak,
		recycles: options.recycles() - recyclesBefore,
		cpuMsPerRequest: { control: control / labels.length, runtimes: runtimes / labels.length },
	};
}
