/**
 * The supervisor: the Node side of the local platform. It starts the control process, K runtime
 * processes and the probe process (./processes.ts), tells the edge which process serves each slot,
 * and watches them:
 *
 * - Every `intervalMs` (250) it asks each process's Health socket, with a `timeoutMs` (1,000) limit.
 *   No answer, or the process exited (an allocation loop's heap abort), and the process is **wedged**:
 *   its slot goes down at the edge at once (its hosts go to the next slot; what was in flight there is
 *   held), the process is killed and a fresh one started on the slot's other ports, and the suspects
 *   are judged (./suspicion.ts): one is quarantined through the API; several go each to an isolation
 *   slot of its own (idle processes kept for this), until a wedge there names the culprit or the
 *   suspicion lapses. Other tenants are back within interval + timeout.
 * - A process that started `recycleAfter` tenant isolates (workerd never frees one) is replaced: a
 *   fresh one on the other ports, the edge switched to it, the old one drained of requests in flight
 *   (bounded by the wall-clock limit), then stopped. No request fails.
 * - The probe process is watched and replaced the same way (a top level that never finishes wedges it).
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import type { Miniflare } from "miniflare";
import type { QuarantineReason } from "../../workers/shared/runtime/quarantine.ts";
import { startOfMinute } from "../../workers/shared/schedules/cron.ts";
import type { ScheduledRun } from "../../workers/shared/schedules/runs.ts";
import { otherSide, type Side } from "../control/bindings.ts";
import { freePorts } from "../ports.ts";
import type { PlatformWorkers } from "../workers.ts";
import { ControlClient } from "./control-client.ts";
import {
	type ControlPorts,
	type ControlProcess,
	controlSockets,
	type RuntimeProcess,
	type SlotPorts,
	startControl,
	startRuntime,
} from "./processes.ts";
import { decide } from "./suspicion.ts";

/** How long labels under suspicion stay on their isolation slot without another incident. */
export const SUSPICION_MS = 60_000;
/**
 * Isolation slots: suspects of one wedge each get their own (more suspects than slots share them).
 * Their processes are started right after the platform is ready and kept idle, because starting one
 * takes 0.2–2.5 s on a busy 2-core machine and the innocent suspects wait for it (docs/reliability.md).
 */
export const ISOLATION_SLOTS = 2;
/** Beyond the wall-clock limit, how long a replaced process may take to finish what it has in flight. */
const DRAIN_MARGIN_MS = 2_000;
/** After the last response headers, for bodies still on their way from the old process. */
const DRAIN_GRACE_MS = 500;

export interface HealthOptions {
	intervalMs?: number;
	timeoutMs?: number;
}

export interface SupervisorOptions {
	workers: PlatformWorkers;
	stateDir: string;
	host: string;
	port: number;
	/** Runtime processes (slots) tenant hosts are spread over. */
	runtimes: number;
	/** Tenant isolates a process may start before it is replaced. */
	recycleAfter: number;
	wallClockLimitMs: number;
	/** Where the runtime processes' own fetch()es go (tenant subrequests the egress gate let through): ../egress.ts. */
	outbound: (request: Request) => Promise<Response>;
	verbose: boolean;
	/** false: no health checks (nothing is restarted or recycled). */
	health: HealthOptions | false;
	onEvent?: (event: SupervisorEvent) => void;
	/**
	 * Called at the start of every UTC minute while the platform runs, after that minute's cron
	 * triggers were started (with the minute, ms since the epoch); errors are reported as events,
	 * never stop the supervisor.
	 */
	onMinute?: (minute: number) => Promise<void>;
	/**
	 * Tests only: no minute tick of its own; cron triggers fire only for the minutes a test asks for
	 * (`runMinute`, the Supervision surface's POST /minute with any time).
	 */
	testClock?: boolean;
}

export type SupervisorEvent =
	| { type: "wedged"; process: string; reason: QuarantineReason; inFlight: string[] }
	| { type: "restarted"; process: string; ms: number }
	| { type: "quarantined"; label: string; deploymentId: string; scriptName: string; until: number }
	| { type: "isolated"; labels: string[] }
	| { type: "recycled"; process: string; isolates: number; ms: number }
	| { type: "failed"; process: string; error: unknown };

type SlotKind = "runtime" | "isolation" | "probe";

interface Live {
	side: Side;
	process: RuntimeProcess;
}

interface Slot {
	kind: SlotKind;
	/** The edge's slot index (isolation slots follow the runtime slots); unused for the probe. */
	index: number;
	ports: SlotPorts;
	live: Live | undefined;
	/** Replaced processes still finishing their requests. */
	draining: Live[];
	restarting: boolean;
	recycling: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const processName = (slot: Slot) =>
	slot.kind === "probe" ? "probe process" : slot.kind === "isolation" ? `isolation runtime ${slot.index}` : `runtime ${slot.index}`;

export class Supervisor {
	private readonly options: SupervisorOptions;
	private control!: ControlProcess;
	private client!: ControlClient;
	private controlPorts: ControlPorts = { platform: 0, telemetry: 0, resources: 0 };
	private readonly slots: Slot[] = [];
	private probe!: Slot;
	/** Labels under suspicion → their isolation slot, until when, and the wedge that made them suspects. */
	private readonly isolated = new Map<string, { slot: number; until: number; wedge: number }>();
	private wedges = 0;
	private readonly timers = new Set<NodeJS.Timeout>();
	private stopped = false;
	/** The start of the next UTC minute the tick is due at. */
	private nextMinute = startOfMinute(Date.now()) + 60_000;
	private restartCount = 0;
	private token = "";

	private readonly intervalMs: number;
	/** Tenants' Durable Objects, one directory for every runtime process (docs/bindings.md). */
	private readonly objectsDir: string;
	private readonly timeoutMs: number;

	private constructor(options: SupervisorOptions) {
		this.options = options;
		const health = options.health || {};
		this.intervalMs = health.intervalMs ?? 250;
		this.objectsDir = path.join(options.stateDir, "objects");
		this.timeoutMs = health.timeoutMs ?? 1_000;
	}

	static async start(options: SupervisorOptions): Promise<Supervisor> {
		const supervisor = new Supervisor(options);
		await supervisor.boot();
		return supervisor;
	}

	/** The Supervision surface (tests reach it with the test clock: `runMinute`). */
	get supervision(): { url: URL; token: string } {
		return { url: this.control.supervisionUrl, token: this.token };
	}

	/** Runs the cron triggers due at the minute `at` falls in, now (with the test clock: any minute). */
	runMinute(at: number): Promise<ScheduledRun[]> {
		return this.client.runMinute(at);
	}

	/** The edge's port. */
	get port(): number {
		return this.control.port;
	}

	/** The control process's Miniflare (the API's RPC methods are reached through it: ../interrupted.ts). */
	get controlMiniflare(): Miniflare {
		return this.control.mf;
	}

	/** How many wedged processes were replaced. */
	get restarts(): number {
		return this.restartCount;
	}

	/** The Miniflare entry ports of every workerd process running now (the bench finds them by these). */
	entryPorts(): number[] {
		const processes = [
			this.control,
			...[...this.slots, this.probe].flatMap((slot) => [slot.live, ...slot.draining].map((live) => live?.process)),
		];
		return processes.filter((process) => process !== undefined).map((process) => process.entryPort);
	}

	async stop(): Promise<void> {
		this.stopped = true;
		for (const timer of this.timers) clearTimeout(timer);
		const processes = [...this.slots, this.probe].flatMap((slot) => [slot.live, ...slot.draining]);
		await Promise.all([this.control?.dispose(), ...processes.map((live) => live?.process.dispose())]);
	}

	private async boot(): Promise<void> {
		const { runtimes } = this.options;
		// Every port is chosen before any process starts, so all start at once. 2 per side of each slot.
		const ports = await freePorts(3 + (runtimes + ISOLATION_SLOTS + 1) * 6);
		const take = () => ports.pop()!;
		const slotPorts = (): SlotPorts => ({
			A: { serve: take(), routeControl: take(), scheduler: take() },
			B: { serve: take(), routeControl: take(), scheduler: take() },
		});
		this.controlPorts = { platform: take(), telemetry: take(), resources: take() };
		const slot = (kind: SlotKind, index: number): Slot => ({
			kind,
			index,
			ports: slotPorts(),
			live: undefined,
			draining: [],
			restarting: false,
			recycling: false,
		});
		for (let i = 0; i < runtimes; i++) this.slots.push(slot("runtime", i));
		for (let i = 0; i < ISOLATION_SLOTS; i++) this.slots.push(slot("isolation", runtimes + i));
		this.probe = slot("probe", -1);
		const token = randomBytes(24).toString("base64url");
		this.token = token;

		// The runtime processes share the objects directory (tenants' Durable Objects), whose SQLite
		// metadata workerd creates, in WAL mode, on its first start there: two processes creating it at
		// once fail with SQLITE_BUSY. On a fresh state the first runtime process starts alone, then the rest.
		const fresh = !existsSync(this.objectsDir);
		const [first, ...others] = this.slots.filter((s) => s.kind === "runtime");
		const firstStarted = first && this.spawn(first, "A").then((live) => (first.live = live));
		const creating = fresh ? firstStarted : undefined;
		const starting = [
			...(firstStarted ? [firstStarted] : []),
			...[...others, this.probe].map(async (s) => {
				if (s.kind === "runtime") await creating;
				s.live = await this.spawn(s, "A");
			}),
		];
		const control = startControl({
			workers: this.options.workers,
			host: this.options.host,
			port: this.options.port,
			controlPorts: this.controlPorts,
			slots: this.slots.map((s) => s.ports),
			probe: this.probe.ports,
			supervisorToken: token,
			stateDir: this.options.stateDir,
			testClock: this.options.testClock ?? false,
			verbose: this.options.verbose,
		});
		const results = await Promise.allSettled([control, ...starting]);
		const failed = results.find((result) => result.status === "rejected");
		if (failed) {
			if (results[0]!.status === "fulfilled") this.control = results[0].value;
			await this.stop();
			throw failed.reason;
		}
		this.control = (results[0] as PromiseFulfilledResult<ControlProcess>).value;
		this.client = new ControlClient(this.control.supervisionUrl, token);
		await this.client.configure(runtimes, ISOLATION_SLOTS);
		await Promise.all([
			...this.slots.filter((s) => s.live).map((s) => this.client.setSlot(s.index, s.live!.side)),
			this.client.setProbe(this.probe.live!.side),
		]);
		this.every(1_000, () => this.housekeeping());
		if (this.options.health) {
			// Each process on its own clock, so a slow answer or a restart elsewhere never delays a check.
			for (const slot of [...this.slots, this.probe]) this.every(this.intervalMs, () => this.check(slot));
			// After readiness, not before: nothing needs them until a wedge has several suspects.
			for (const isolation of this.slots.filter((s) => s.kind === "isolation")) void this.startIsolation(isolation).catch(() => undefined);
		}
	}

	private spawn(slot: Slot, side: Side): Promise<Live> {
		let process: RuntimeProcess | undefined;
		return startRuntime({
			workers: this.options.workers,
			role: slot.kind === "probe" ? "probe" : "runtime",
			ports: slot.ports[side],
			control: controlSockets(this.options.workers, this.controlPorts),
			wallClockLimitMs: this.options.wallClockLimitMs,
			outbound: this.options.outbound,
			objectsDir: this.objectsDir,
			verbose: this.options.verbose,
			// workerd exited under Miniflare (which restarts it on the same ports): replace it like a wedge.
			onCrash: () => {
				if (process && slot.live?.process === process) void this.wedged(slot, "crashed");
			},
		}).then(async (started) => {
			// Stopped while it started: it must not outlive the platform.
			if (this.stopped) {
				await started.dispose();
				throw new Error("the platform stopped");
			}
			process = started;
			return { side, process: started };
		});
	}

	/** Runs `work` again `ms` after each run ends, until the supervisor stops. */
	private every(ms: number, work: () => Promise<void>): void {
		const next = () => {
			if (this.stopped) return;
			const timer = setTimeout(async () => {
				this.timers.delete(timer);
				await work().catch((error: unknown) => this.emit({ type: "failed", process: "the supervisor", error }));
				next();
			}, ms);
			// The supervisor alone never keeps Node alive.
			timer.unref();
			this.timers.add(timer);
		};
		next();
	}

	private async check(slot: Slot): Promise<void> {
		const live = slot.live;
		if (!live || slot.restarting || this.stopped) return;
		let isolates: number;
		try {
			const response = await fetch(live.process.healthUrl, { signal: AbortSignal.timeout(this.timeoutMs) });
			({ isolates } = (await response.json()) as { isolates: number });
		} catch (error) {
			if (slot.live !== live || this.stopped) return;
			const timedOut = (error as { name?: unknown }).name === "TimeoutError";
			void this.wedged(slot, timedOut ? "unresponsive" : "crashed");
			return;
		}
		if (isolates >= this.options.recycleAfter) void this.recycle(slot, isolates);
	}

	/** The live process of `slot` stopped answering or exited. */
	private async wedged(slot: Slot, reason: QuarantineReason): Promise<void> {
		const old = slot.live;
		if (!old || slot.restarting || this.stopped) return;
		slot.restarting = true;
		slot.live = undefined;
		const started = performance.now();
		const name = processName(slot);
		try {
			let inFlight: string[] = [];
			if (slot.kind === "probe") await this.client.setProbe(null);
			else inFlight = (await this.client.markDown(slot.index)).map((request) => request.label);
			this.emit({ type: "wedged", process: name, reason, inFlight });
			const restart = (async () => {
				// It burns a core while it spins: stopped before its replacement starts.
				await old.process.dispose();
				const side = otherSide(old.side);
				// A process still draining there (a recycle in progress) gives its ports up.
				for (const draining of slot.draining.filter((d) => d.side === side)) await draining.process.dispose();
				slot.draining = slot.draining.filter((d) => d.side !== side);
				const fresh = await this.spawn(slot, side);
				slot.live = fresh;
				if (slot.kind === "probe") await this.client.setProbe(fresh.side);
				else await this.client.setSlot(slot.index, fresh.side);
				this.restartCount++;
				this.emit({ type: "restarted", process: name, ms: Math.round(performance.now() - started) });
			})();
			await Promise.all([restart, slot.kind === "probe" ? undefined : this.judge(slot, inFlight, reason)]);
		} catch (error) {
			this.emit({ type: "failed", process: name, error });
		} finally {
			slot.restarting = false;
		}
	}

	/** Quarantines the culprit, isolates the suspects, or sends cleared ones back (./suspicion.ts). */
	private async judge(slot: Slot, inFlight: string[], reason: QuarantineReason): Promise<void> {
		const now = Date.now();
		for (const [label, { until }] of this.isolated) if (until <= now) this.isolated.delete(label);
		const here = new Set([...this.isolated].filter(([, isolation]) => isolation.slot === slot.index).map(([label]) => label));
		const { culprit, isolate, restore } = decide(inFlight, here, slot.kind === "isolation");
		// Suspects go to their isolation slots first: the innocent among them are waiting.
		if (isolate.length > 0) {
			const placed = this.place(isolate);
			const until = now + SUSPICION_MS;
			const wedge = ++this.wedges;
			// Noted first, so housekeeping keeps the slots' processes while they start.
			for (const { label, slot: index } of placed) this.isolated.set(label, { slot: index, until, wedge });
			await Promise.all([...new Set(placed.map((p) => p.slot))].map((index) => this.startIsolation(this.slots[index]!)));
			await this.client.isolate(placed, until);
			this.emit({ type: "isolated", labels: isolate });
		}
		// Once the culprit is known, the other suspects of its wedge are cleared.
		const convicted = culprit ? this.isolated.get(culprit) : undefined;
		const cleared = convicted
			? [...this.isolated].filter(([, isolation]) => isolation.wedge === convicted.wedge).map(([label]) => label)
			: [];
		if (culprit) {
			const answer = await this.client.quarantine(culprit, reason);
			if (answer)
				this.emit({
					type: "quarantined",
					label: culprit,
					deploymentId: answer.deploymentId,
					scriptName: answer.scriptName,
					until: answer.until,
				});
		}
		const back = [...new Set([...restore, ...cleared, ...(culprit && this.isolated.has(culprit) ? [culprit] : [])])];
		for (const label of back) this.isolated.delete(label);
		if (back.length > 0) await this.client.restore(back);
		// The held labels are free again: the culprit's requests now meet its quarantine, the others their slot.
		const held = [...new Set(inFlight)].filter((label) => !isolate.includes(label));
		if (held.length > 0) await this.client.release(held);
	}

	/**
	 * An isolation slot for each suspect: every slot before any gets a second one (more suspects than
	 * slots share them), the least occupied by earlier suspects first.
	 */
	private place(labels: string[]): { label: string; slot: number }[] {
		const load = new Map(this.slots.filter((s) => s.kind === "isolation").map((s) => [s.index, 0]));
		for (const [label, { slot }] of this.isolated) if (!labels.includes(label)) load.set(slot, (load.get(slot) ?? 0) + 1);
		const order = [...load].sort((a, b) => a[1] - b[1]).map(([index]) => index);
		return labels.map((label, i) => ({ label, slot: order[i % order.length]! }));
	}

	private async startIsolation(slot: Slot): Promise<void> {
		if (slot.live || slot.restarting) return;
		slot.restarting = true;
		try {
			slot.live = await this.spawn(slot, "A");
			await this.client.setSlot(slot.index, slot.live.side);
		} finally {
			slot.restarting = false;
		}
	}

	/** Replaces a process that started too many isolates, without failing a request. */
	private async recycle(slot: Slot, isolates: number): Promise<void> {
		const old = slot.live;
		if (!old || slot.recycling || slot.restarting || this.stopped) return;
		slot.recycling = true;
		const started = performance.now();
		try {
			const fresh = await this.spawn(slot, otherSide(old.side));
			if (slot.live !== old) {
				// It wedged meanwhile and was replaced: this one is not needed.
				await fresh.process.dispose();
				return;
			}
			slot.live = fresh;
			slot.draining.push(old);
			if (slot.kind === "probe") await this.client.setProbe(fresh.side);
			else await this.client.setSlot(slot.index, fresh.side);
			const deadline = Date.now() + this.options.wallClockLimitMs + DRAIN_MARGIN_MS;
			const inFlight = () => (slot.kind === "probe" ? this.client.probesInFlight(old.side) : this.client.inFlight(slot.index, old.side));
			while (Date.now() < deadline && slot.draining.includes(old) && (await inFlight()) > 0) await sleep(25);
			await sleep(DRAIN_GRACE_MS);
			if (slot.draining.includes(old)) {
				slot.draining = slot.draining.filter((d) => d !== old);
				await old.process.dispose();
			}
			this.emit({ type: "recycled", process: processName(slot), isolates, ms: Math.round(performance.now() - started) });
		} catch (error) {
			this.emit({ type: "failed", process: processName(slot), error });
		} finally {
			slot.recycling = false;
		}
	}

	/** Lapsed suspicion, a slot left without a process (a failed restart), and the per-minute hook. */
	private async housekeeping(): Promise<void> {
		const now = Date.now();
		for (const [label, { until }] of this.isolated) if (until <= now) this.isolated.delete(label);
		// Unsupervised (no health checks), nothing is restarted: the isolation slots are not even started.
		for (const slot of this.options.health ? [...this.slots, this.probe] : []) {
			if (slot.live || slot.restarting || this.stopped) continue;
			// A restart that failed (a port taken meanwhile?): try again, on either side.
			slot.restarting = true;
			try {
				slot.live = await this.spawn(slot, "A").catch(() => this.spawn(slot, "B"));
				if (slot.kind === "probe") await this.client.setProbe(slot.live.side);
				else await this.client.setSlot(slot.index, slot.live.side);
			} catch (error) {
				this.emit({ type: "failed", process: processName(slot), error });
			} finally {
				slot.restarting = false;
			}
		}
		if (now >= this.nextMinute) {
			// Once per minute, for the minute now is in (a machine that slept skips the minutes it slept through, as Cloudflare's cron would).
			const minute = startOfMinute(now);
			this.nextMinute = minute + 60_000;
			void this.minute(minute);
		}
	}

	/** The minute's cron triggers (not awaited by housekeeping: a slow handler must not hold up restarts), then onMinute. */
	private async minute(minute: number): Promise<void> {
		if (!this.options.testClock)
			await this.client.runMinute(minute).catch((error: unknown) => {
				// Stopped meanwhile: the control process went away under the tick, which is no failure.
				if (!this.stopped) this.emit({ type: "failed", process: "cron triggers", error });
			});
		await this.options.onMinute?.(minute).catch((error: unknown) => this.emit({ type: "failed", process: "per-minute work", error }));
	}

	private emit(event: SupervisorEvent): void {
		this.options.onEvent?.(event);
	}
}
