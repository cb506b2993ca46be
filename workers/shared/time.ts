/** Times as the API writes them: ISO 8601 strings, from the integer milliseconds D1 stores. */
export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
	return ms === null ? null : new Date(ms).toISOString();
}
