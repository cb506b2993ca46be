/**
 * Who stopped a runtime process. The suspects of a wedge are the labels whose requests were in flight
 * on it (what the edge answers when the slot goes down). One suspect is the culprit. Several go to the
 * isolation slot together for a while; when that process wedges, the culprit is among the suspects
 * still in flight there, so the set narrows to them (the others go back) until one is left.
 */

export interface Decision {
	/** The one label whose deployment is quarantined. */
	culprit: string | undefined;
	/** Labels that go to the isolation slot (still suspects). */
	isolate: string[];
	/** Isolated labels cleared of suspicion: back to their own slot. */
	restore: string[];
}

/**
 * @param inFlight the labels in flight on the wedged process (repeats and "" for a host that is not ours ignored)
 * @param isolated the labels currently sent to the isolation slot
 * @param onIsolationSlot whether the wedged process was the isolation slot's
 */
export function decide(inFlight: readonly string[], isolated: ReadonlySet<string>, onIsolationSlot: boolean): Decision {
	const labels = [...new Set(inFlight.filter((label) => label !== ""))];
	let suspects = labels;
	let restore: string[] = [];
	if (onIsolationSlot) {
		const still = labels.filter((label) => isolated.has(label));
		if (still.length > 0) suspects = still;
		restore = [...isolated].filter((label) => !suspects.includes(label));
	}
	if (suspects.length === 1) return { culprit: suspects[0], isolate: [], restore };
	return { culprit: undefined, isolate: suspects, restore };
}
