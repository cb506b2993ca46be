/**
 * One row of a compatibility table: what Ferry does with one key. `example` is a value that key may
 * hold which Ferry refuses: the table's test writes it into a wrangler config and an upload, and
 * expects the refusal (so a refused row cannot be refused in name only).
 */
export type Support = "supported" | "differently" | "refused";

export type Row =
	| { support: "supported"; note: string }
	/** Honoured, but not the way Cloudflare does it; `refuses` names the values Ferry cannot honour at all. */
	| { support: "differently"; note: string; refuses?: { when: (value: unknown) => boolean; example: unknown } }
	| { support: "refused"; note: string; example: unknown };

export const supported = (note: string): Row => ({ support: "supported", note });
export const differently = (note: string, refuses?: { when: (value: unknown) => boolean; example: unknown }): Row =>
	refuses ? { support: "differently", note, refuses } : { support: "differently", note };
export const refused = (note: string, example: unknown): Row => ({ support: "refused", note, example });

/** Where a refusal points the tenant. */
export const COMPATIBILITY_DOC = "docs/compatibility.md";

/** Whether Ferry refuses `value` under this row (a refused row refuses any value it is given). */
export function refuses(row: Row, value: unknown): boolean {
	if (row.support === "refused") return true;
	return row.support === "differently" && row.refuses !== undefined && row.refuses.when(value);
}
