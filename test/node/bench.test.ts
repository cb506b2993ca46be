/** The benchmark's pure parts (bench/): reading wrk, percentiles, targets, the table, the docs markers. */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it, onTestFinished } from "vitest";
import { replaceResults } from "../../bench/docs-file.ts";
import { CpuTally, processCpuMs, settle } from "../../bench/process-cpu.ts";
import { coldUnpreparedRows, deployThroughputRow, distinctServeRow } from "../../bench/report/rows.ts";
import { renderTable } from "../../bench/report/table.ts";
import { msAtMost, noneFailed, rateAtLeast, ratioAtLeast, withinFractionOf } from "../../bench/report/targets.ts";
import { median, percentile } from "../../bench/stats.ts";
import { parseWrkOutput, parseWrkTime } from "../../bench/wrk-output.ts";

// wrk 4.1.0 --latency, verbatim (a run against an error page, hence the Non-2xx line).
const WRK_OUTPUT = `Running 1s test @ http://127.0.0.1:18999/nonexistent
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.72ms    2.01ms  15.47ms   80.63%
    Req/Sec   757.00    126.42     0.94k    60.00%
  Latency Distribution
     50%  812.00us
     75%    3.69ms
     90%    5.20ms
     99%    1.38s
  755 requests in 1.00s, 383.40KB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 755
Requests/sec:    752.66
Transfer/sec:    382.21KB
`;

describe("wrk output", () => {
	it("reads throughput, p50/p99 in ms, the request count and the errors", () => {
		expect(parseWrkOutput(WRK_OUTPUT)).toEqual({
			requestsPerSecond: 752.66,
			requests: 755,
			p50: 0.812,
			p99: 1380,
			non2xx: 755,
			socketErrors: 5,
		});
	});

	it("counts no errors when wrk prints no error lines", () => {
		const clean = WRK_OUTPUT.replace(/^\s+(Socket errors|Non-2xx).*\n/gm, "");
		expect(parseWrkOutput(clean)).toMatchObject({ non2xx: 0, socketErrors: 0 });
	});

	it("refuses output without the latency distribution rather than report zeros", () => {
		expect(() => parseWrkOutput(WRK_OUTPUT.replace(/^\s+50%.*\n/m, ""))).toThrow(/50th percentile/);
	});

	it("converts every unit wrk prints", () => {
		expect([parseWrkTime("250.00us"), parseWrkTime("1.50ms"), parseWrkTime("2.00s"), parseWrkTime("1.00m")]).toEqual([
			0.25, 1.5, 2000, 60_000,
		]);
	});
});

describe("percentiles", () => {
	it("takes the nearest rank", () => {
		const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
		expect(median(samples)).toBe(5);
		expect(percentile(samples, 95)).toBe(10);
		expect(percentile(samples, 90)).toBe(9);
		expect(percentile(samples, 0)).toBe(1);
		expect(median([7])).toBe(7);
	});

	it("has no percentile of nothing", () => {
		expect(() => median([])).toThrow();
	});
});

describe("targets", () => {
	it("says whether a target was met and by how much it missed", () => {
		expect(ratioAtLeast(0.85, 0.8)).toEqual({ met: true, text: "yes" });
		expect(ratioAtLeast(0.6, 0.8)).toEqual({ met: false, text: "no: 0.20 short (25% below the target)" });
		expect(msAtMost(0.3, 0.3).met).toBe(true);
		expect(msAtMost(450, 300)).toEqual({ met: false, text: "no: 150 ms over (50% more than allowed)" });
		expect(withinFractionOf(950, 1000, 0.1).met).toBe(true);
		// Faster with more scripts deployed is within the target too.
		expect(withinFractionOf(1200, 1000, 0.1).met).toBe(true);
		expect(withinFractionOf(700, 1000, 0.1)).toEqual({ met: false, text: "no: 30% lower, 20% past the 10% allowed" });
		expect(rateAtLeast(50, 50).met).toBe(true);
		expect(rateAtLeast(40, 50)).toEqual({ met: false, text: "no: 10.0/s short (20% below the target)" });
		expect(noneFailed(0, 10_000)).toEqual({ met: true, text: "yes" });
		expect(noneFailed(926, 3_000)).toEqual({ met: false, text: "no: 926 of 3,000 failed" });
	});

	it("reports every script served once: failures, recycles, peak and steady workerd memory", () => {
		const serve = {
			scripts: 10_000,
			failed: 0,
			failures: [],
			seconds: 200,
			peakRssBytes: 3 * 2 ** 30,
			recycles: 9,
			cpuMsPerRequest: { control: 7.5, runtimes: 10 },
		};
		const row = distinctServeRow(serve, 1.5 * 2 ** 30);
		expect(row.result).toMatch(
			/^0 failed in .* \(50 req\/s; workerd CPU per request 17\.5 ms: control 7\.50 ms, runtimes 10\.0 ms\); 9 processes recycled meanwhile; workerd RSS peak .+, steady .+ \(after the hot-set and spread runs\)$/,
		);
		expect(row.verdict).toEqual({ met: true, text: "yes" });
		expect(distinctServeRow({ ...serve, failed: 3, peakRssBytes: undefined }, undefined).result).toContain("peak unknown, steady unknown");
		expect(distinctServeRow({ ...serve, failed: 3 }, undefined).verdict).toEqual({ met: false, text: "no: 3 of 10,000 failed" });
	});

	it("reports deploys per second over the burst and the CPU each side spent per deploy", () => {
		const row = deployThroughputRow({ deploys: 200, inFlight: 8, seconds: 10, cpuMsPerDeploy: { control: 20, runtimes: 10, client: 5 } });
		expect(row.result).toBe(
			"20.0 deploys/s; CPU per deploy 35.0 ms (control process 20.0 ms, runtime and probe processes 10.0 ms, client 5.00 ms)",
		);
		expect(row.verdict).toEqual({ met: false, text: "no: 30.0/s short (60% below the target)" });
	});
});

describe("unprepared cold starts", () => {
	it("gives code read ahead and code read on the request a row each, against the 5 ms target", () => {
		const [readAhead, notReadAhead] = coldUnpreparedRows({
			readAhead: { coldMs: [9, 10, 11], warmMs: [1, 1, 1] },
			notReadAhead: { coldMs: [20, 21, 22], warmMs: [1, 1, 1] },
		});
		expect(readAhead?.measurement).toContain("read ahead");
		expect(readAhead?.verdict?.met).toBe(false);
		expect(readAhead?.result).toMatch(/^\+9\.00 ms /);
		expect(notReadAhead?.measurement).toContain("read on the request");
		expect(notReadAhead?.verdict?.text).toMatch(/^no: 15\.0 ms over/);
	});
});

/** A child that burns CPU until killed. */
function busyChild() {
	const child = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
	onTestFinished(() => {
		child.kill("SIGKILL");
	});
	return child;
}

async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("CPU of processes", () => {
	it("counts a process that started after the tally began from zero, and one seen from the start from then", async () => {
		const late: number[] = [];
		const tally = new CpuTally(() => ({ self: [process.pid], late }));
		const selfBefore = processCpuMs(process.pid)!;
		const { pid } = busyChild();
		await until(() => (processCpuMs(pid!) ?? 0) >= 200);
		late.push(pid!);
		const spent = tally.spentMs();
		expect(spent.late).toBeGreaterThanOrEqual(200);
		expect(spent.self).toBeGreaterThanOrEqual(0);
		expect(spent.self).toBeLessThanOrEqual(processCpuMs(process.pid)! - selfBefore + 10);
	});

	it("keeps what an ended process spent up to its last reading", async () => {
		const child = busyChild();
		const pid = child.pid!;
		const tally = new CpuTally(() => ({ gone: [pid] }));
		await until(() => (processCpuMs(pid) ?? 0) >= 200);
		tally.sample();
		const atLastReading = tally.spentMs().gone!;
		const exited = once(child, "exit");
		child.kill("SIGKILL");
		await exited;
		expect(processCpuMs(pid)).toBeUndefined();
		expect(atLastReading).toBeGreaterThan(0);
		expect(tally.spentMs().gone).toBe(atLastReading);
	});

	it("settles when the processes are idle, and gives up after the longest wait when they stay busy", async () => {
		expect(await settle(() => [], { windowMs: 50, maxMs: 10_000 })).toBeLessThan(10_000);
		const { pid } = busyChild();
		expect(await settle(() => [pid!], { windowMs: 100, maxMs: 300 })).toBeGreaterThanOrEqual(300);
	});
});

describe("the table", () => {
	it("renders aligned Markdown with a dash where a row has no target", () => {
		const table = renderTable([
			{ measurement: "ratio", result: "0.76", target: "≥ 0.8", verdict: ratioAtLeast(0.76, 0.8) },
			{ measurement: "spread | 10", result: "900 req/s" },
		]);
		expect(table.split("\n")).toEqual([
			"| Measurement  | Result    | Target | Met                                  |",
			"| ------------ | --------- | ------ | ------------------------------------ |",
			"| ratio        | 0.76      | ≥ 0.8  | no: 0.04 short (5% below the target) |",
			"| spread \\| 10 | 900 req/s | —      | —                                    |",
		]);
	});

	it("replaces only what is between the docs markers", () => {
		const begin = "<!-- bench:results:begin (written by npm run bench; edits inside are overwritten) -->";
		const end = "<!-- bench:results:end -->";
		const doc = `# Prose\n\n${begin}\nold table\n${end}\n\nMore prose.\n`;
		expect(replaceResults(doc, "new table\n")).toBe(`# Prose\n\n${begin}\nnew table\n${end}\n\nMore prose.\n`);
		expect(() => replaceResults("# no markers", "x")).toThrow(/markers/);
	});
});
