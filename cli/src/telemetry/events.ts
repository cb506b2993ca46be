/**
 * A tenant event as `ferry events` prints it: one line, time, type, script, deployment, then the
 * event's detail as key=value (a secret's name, never a value: the API never has one to give).
 */
import type { TenantEvent } from "../../../workers/shared/api-client/types.ts";
import { formatTime, type Style } from "../core/output.ts";

type Styler = (style: Style, text: string) => string;

const TYPE_STYLE: Partial<Record<TenantEvent["type"], Style>> = {
	deploy_failed: "red",
	budget_exceeded: "red",
	delete: "yellow",
	rollback: "yellow",
	budget_lifted: "yellow",
};

export function formatEvent(event: TenantEvent, style: Styler): string {
	const type = event.type.padEnd(13);
	const detail = Object.entries(event.detail)
		.map(([key, value]) => `${key}=${value ?? ""}`)
		.join(" ");
	return [
		style("dim", formatTime(event.time)),
		TYPE_STYLE[event.type] ? style(TYPE_STYLE[event.type]!, type) : type,
		// A tenant-wide event (a budget's) concerns no one script.
		event.script || style("dim", "*"),
		event.deployment_id ?? style("dim", "-"),
		detail,
	]
		.join("  ")
		.trimEnd();
}
