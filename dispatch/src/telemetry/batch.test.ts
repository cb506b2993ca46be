/** The record batcher (./batch.ts): records reach the sink in batches, and none is left behind when a flusher runs out of time. */
import { describe, expect, it } from "vitest";
import type { CollectedInvocation } from "../../../workers/shared/telemetry/record";
import { RecordBatcher, type RecordSink } from "./batch";

const record = (n: number) => ({ n }) as unknown as CollectedInvocation;

/** A sink as slow as a busy telemetry Worker: each call takes `ms`. */
function slowSink(ms: number) {
	const received: number[] = [];
	const sink: RecordSink = {
		async record(batch) {
			await scheduler.wait(ms);
			received.push(...batch.map((r) => (r as unknown as { n: number }).n));
		},
	};
	return { sink, received };
}

describe("RecordBatcher", () => {
	it("sends records queued during a flush with that flush", async () => {
		const { sink, received } = slowSink(5);
		const batcher = new RecordBatcher();
		const flush = batcher.add([record(1)], sink);
		expect(batcher.add([record(2)], sink)).toBeUndefined();
		await flush;
		expect(received).toEqual([1, 2]);
	});

	it("still sends what was queued during its last send when a flusher runs out of time, with no later trace to take it", async () => {
		const { sink, received } = slowSink(80);
		const batcher = new RecordBatcher(100);
		const flush = batcher.add([record(1)], sink);
		// Queued while the first send is under way, so the loop finds them only after its time is up.
		await scheduler.wait(70);
		expect(batcher.add([record(2), record(3)], sink)).toBeUndefined();
		await flush;
		expect(received.sort()).toEqual([1, 2, 3]);
	});
});
