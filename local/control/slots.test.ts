import { describe, expect, it } from "vitest";
import { fnv1a, SlotTable, slotKey } from "./slots.ts";

const table = (runtimes: number, isolations = 0) => {
	const slots = new SlotTable();
	slots.configure(runtimes, isolations);
	for (let i = 0; i < runtimes + isolations; i++) slots.setLive(i, "A");
	return slots;
};
const slotOf = (slots: SlotTable, label: string) => {
	const pick = slots.pick(label);
	return typeof pick === "object" ? pick.slot : pick;
};

describe("SlotTable", () => {
	it("sends every host of a script to the same slot, by FNV-1a of the script's name", () => {
		const slots = table(3);
		expect(slotKey("k3v9q2m1xz--hello")).toBe("hello");
		expect(slotOf(slots, "k3v9q2m1xz--hello")).toBe(slotOf(slots, "hello"));
		expect(slotOf(slots, "hello")).toBe(fnv1a("hello") % 3);
		// FNV-1a's published test vector.
		expect(fnv1a("a")).toBe(0xe40c292c);
	});

	it("skips a slot that is down for the next one up, and answers none when every slot is down", () => {
		const slots = table(2);
		const label = ["a", "b", "c", "d"].find((l) => slotOf(slots, l) === 0)!;
		slots.setLive(0, null);
		expect(slotOf(slots, label)).toBe(1);
		slots.setLive(0, "B");
		expect(slots.pick(label)).toMatchObject({ slot: 0, side: "B", binding: "RT_0_B" });
		slots.setLive(0, null);
		slots.setLive(1, null);
		expect(slots.pick(label)).toBe("none");
	});

	it("holds suspects, sends isolated ones to their isolation slot, and lets both lapse", () => {
		const slots = table(2, 2);
		slots.hold(["spin", "slow"], 1_000);
		expect(slots.pick("spin", 500)).toBe("held");
		slots.isolate([{ label: "slow", slot: 3 }], 2_000);
		expect(slots.pick("slow", 500)).toMatchObject({ slot: 3 });
		expect(slots.owner("slow", 500)).toBe(3);
		// An isolation slot that is down holds its suspects rather than sending them to a shared slot.
		slots.setLive(3, null);
		expect(slots.pick("slow", 500)).toBe("held");
		expect(slots.pick("spin", 1_000)).toMatchObject({ slot: fnv1a("spin") % 2 });
		expect(slots.pick("slow", 2_000)).toMatchObject({ slot: fnv1a("slow") % 2 });
		expect(() => slots.isolate([{ label: "x", slot: 1 }], 10)).toThrow(RangeError);
	});
});
