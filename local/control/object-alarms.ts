/**
 * The local platform's clock for tenants' Durable Object alarms (docs/bindings.md, "Alarms"), one
 * per script, in the control process: the only process of the platform that keeps them, so each
 * alarm is delivered once, and again after a restart if it had not run. (The runtime processes share
 * one objects directory, and workerd's alarm scheduler loads every alarm stored there into each
 * process that starts on it: alarms kept there would fire in each.)
 *
 * A host (dispatch/src/resources/durable-objects.ts) sets or deletes its object's alarm here through
 * PlatformServices; when it is due, the clock hands it to the runtime process that serves the script
 * (the edge's slot, as for cron triggers: ./cron.ts), whose Scheduler entrypoint runs the tenant's
 * alarm(). A failed alarm() is tried again 2, 4, 8, … s later, at most 6 times, with its retryCount;
 * an alarm no process could take now (one restarting, the script quarantined) is tried again shortly,
 * not counted as a retry. The clock's own workerd alarm is the earliest due time.
 */
import { DurableObject } from "cloudflare:workers";
import { log } from "../../workers/shared/log";
import {
	ALARM_MAX_RETRIES,
	ALARM_RETRY_START_MS,
	ALARM_UNAVAILABLE_RETRY_MS,
	type AlarmOutcome,
	type ObjectAlarmRunner,
	type ObjectOwner,
	objectKey,
} from "../../workers/shared/resources/durable-objects";
import { schedulerBinding } from "./bindings";
import { added, slots } from "./state";

interface Row extends Record<string, SqlStorageValue> {
	object: string;
	owner: string;
	id: string;
	scheduled: number;
	retry: number;
	due: number | null;
}

export class ObjectAlarmClock extends DurableObject<ControlEnv> {
	constructor(ctx: DurableObjectState, env: ControlEnv) {
		super(ctx, env);
		ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS alarms (
			object TEXT PRIMARY KEY,
			owner TEXT NOT NULL,
			id TEXT NOT NULL,
			scheduled INTEGER NOT NULL,
			retry INTEGER NOT NULL,
			due INTEGER
		)`);
		// A delivery in flight (due NULL) ended with the instance that made it (a restart): due again now.
		ctx.storage.sql.exec("UPDATE alarms SET due = ? WHERE due IS NULL", Date.now());
		ctx.blockConcurrencyWhile(() => this.arm());
	}

	/** The object's one alarm: a new time replaces the old (its retries too); null deletes it. */
	async set(owner: ObjectOwner, id: string, scheduledTime: number | null): Promise<void> {
		const object = objectKey(owner, id);
		if (scheduledTime === null) this.ctx.storage.sql.exec("DELETE FROM alarms WHERE object = ?", object);
		else
			this.ctx.storage.sql.exec(
				"INSERT OR REPLACE INTO alarms (object, owner, id, scheduled, retry, due) VALUES (?, ?, ?, ?, 0, ?)",
				object,
				JSON.stringify(owner),
				id,
				scheduledTime,
				scheduledTime,
			);
		await this.arm();
	}

	override async alarm(): Promise<void> {
		const now = Date.now();
		const due = this.ctx.storage.sql.exec<Row>("SELECT * FROM alarms WHERE due IS NOT NULL AND due <= ?", now).toArray();
		for (const row of due) this.ctx.storage.sql.exec("UPDATE alarms SET due = NULL WHERE object = ?", row.object);
		await Promise.all(due.map((row) => this.deliver(row)));
		await this.arm();
	}

	private async deliver(row: Row): Promise<void> {
		const outcome = await this.run(JSON.parse(row.owner) as ObjectOwner, row);
		const [current] = this.ctx.storage.sql.exec<Row>("SELECT * FROM alarms WHERE object = ?", row.object).toArray();
		// Set again (or deleted) while it ran: the tenant's newer alarm stands.
		if (!current || current.due !== null || current.scheduled !== row.scheduled) return;
		const retryAt = (ms: number, retry: number) =>
			this.ctx.storage.sql.exec("UPDATE alarms SET due = ?, retry = ? WHERE object = ?", Date.now() + ms, retry, row.object);
		if (outcome === "failed" && row.retry < ALARM_MAX_RETRIES) retryAt(ALARM_RETRY_START_MS * 2 ** row.retry, row.retry + 1);
		else if (outcome === "unavailable") retryAt(ALARM_UNAVAILABLE_RETRY_MS, row.retry);
		else this.ctx.storage.sql.exec("DELETE FROM alarms WHERE object = ?", row.object);
	}

	/** One delivery, in the runtime process the edge sends the script's requests to. */
	private async run(owner: ObjectOwner, row: Row): Promise<AlarmOutcome> {
		const slot = slots.owner(owner.scriptName);
		const channel = slot === undefined ? null : slots.liveChannel(slot);
		if (slot === undefined || !channel) return "unavailable";
		try {
			return await added<ObjectAlarmRunner>(this.env, schedulerBinding(slot, channel.side)).objectAlarm(
				owner,
				row.id,
				row.scheduled,
				row.retry,
			);
		} catch (error) {
			// The process went away under the delivery (killed as wedged, recycled): it did not happen there.
			log.warn("a runtime process did not run a Durable Object alarm", { slot, scriptId: owner.scriptId, error });
			return "unavailable";
		}
	}

	private async arm(): Promise<void> {
		const [next] = this.ctx.storage.sql.exec<{ due: number | null }>("SELECT min(due) AS due FROM alarms WHERE due IS NOT NULL").toArray();
		if (next?.due != null) await this.ctx.storage.setAlarm(next.due);
		else await this.ctx.storage.deleteAlarm();
	}
}
