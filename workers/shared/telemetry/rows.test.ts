/** A batch as the store takes it (./rows.ts): split by script, chunked, every record's row kept whole, the rollups' counts summed. */
import { describe, expect, it } from "vitest";
import type { CollectedInvocation, InvocationRecord } from "./record";
import { MAX_CHUNK_CHARS, rowsByScript, type StoredRow } from "./rows";

const record = (path: string, extra: Partial<InvocationRecord> = {}): Omit<InvocationRecord, "id"> => ({
	time: "2026-12-03T10:00:30.000Z",
	script: "hello",
	deployment_id: "d1",
	request_id: "r",
	event: "fetch",
	method: "GET",
	path,
	cron: null,
	status: 200,
	outcome: "ok",
	wall_ms: 2,
	cpu_ms: null,
	logs: [],
	logs_dropped: 0,
	logs_truncated: false,
	exception: null,
	...extra,
});
const of = (scriptId: string, r: Omit<InvocationRecord, "id">): CollectedInvocation => ({
	source: { tenantId: "t", scriptId, scriptName: "hello", deploymentId: r.deployment_id },
	record: r,
});

describe("rowsByScript", () => {
	it("splits by script, keeps each record whole in its row, and sums the rollups per minute, deployment and month", () => {
		const batch = [
			of("a", record("/1")),
			of("b", record("/2", { status: 503, outcome: "ok" })),
			of(
				"a",
				record("/3", { status: null, outcome: "exception", deployment_id: "d2", logs: [{ time: "t", level: "warn", message: "Hi" }] }),
			),
		];
		const [a, b] = rowsByScript(batch);
		expect(a!.scriptId).toBe("a");
		expect(a!.count).toBe(2);
		const rows = a!.chunks.flatMap((chunk) => JSON.parse(chunk) as StoredRow[]);
		expect(rows.map((row) => row.r)).toEqual([batch[0]!.record, batch[2]!.record]);
		expect(rows[1]).toMatchObject({ d: "d2", s: null, f: 1, x: "/3\nhi\n" });
		expect(a!.counts.minutes.map(({ deployment, value }) => [deployment, value.requests, value.errors])).toEqual([
			["d1", 1, 0],
			["d2", 1, 1],
		]);
		expect(a!.counts.months).toEqual([{ month: "2026-12", requests: 2, cpu_ms: 0, wall_ms: 4 }]);
		expect(b!.counts.minutes[0]!.value).toMatchObject({ requests: 1, errors: 1, status: [0, 0, 0, 0, 1] });
	});

	it("cuts a large batch into chunks of at most MAX_CHUNK_CHARS, losing no record", () => {
		const line = { time: "t", level: "log" as const, message: "x".repeat(4_000) };
		const batch = Array.from({ length: 600 }, (_, i) => of("a", record(`/${i}`, { logs: [line, line] })));
		const [rows] = rowsByScript(batch);
		expect(rows!.chunks.length).toBeGreaterThan(1);
		for (const chunk of rows!.chunks) expect(chunk.length).toBeLessThanOrEqual(MAX_CHUNK_CHARS + 2);
		expect(rows!.chunks.flatMap((chunk) => (JSON.parse(chunk) as StoredRow[]).map((row) => row.r.path))).toEqual(
			batch.map((c) => c.record.path),
		);
	});
});
