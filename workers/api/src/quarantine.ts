/**
 * Quarantine, the API's side: the local platform's supervisor reports that a label's requests stopped
 * a runtime process (local/supervisor/), and the deployment the label routes to is quarantined in the
 * deploy store, with a note in its history, then every runtime is told through RouteControl like after
 * any route move, so the next request answers the "exceeded its limits" page without running its code.
 *
 * An RPC entrypoint of the API Worker, reached only through a service binding (the control process's
 * QUARANTINE); nothing on the public API calls it. Production has no caller: Cloudflare enforces the
 * limits there itself.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { z } from "zod";
import { openDatabase } from "../../shared/db";
import { LIMITS } from "../../shared/limits";
import { QUARANTINE_REASONS, type QuarantineAnswer, type QuarantineApi, type QuarantineReason } from "../../shared/runtime/quarantine";
import { iso } from "../../shared/time";
import { routeControl, routesMoved } from "./deploy/pipeline";
import { labelsOf, routeOf } from "./deploy/queries";
import { quarantine } from "./deploy/store";

/** What the deployment's history says happened, by the supervisor's reason. */
const WHY: Record<QuarantineReason, string> = {
	unresponsive: "it kept its runtime busy without yielding for over a second: an endless loop?",
	crashed: "its runtime process stopped under it: it ran out of memory?",
};

const quarantineRequest = z.object({ label: z.string().min(1).max(253), reason: z.enum(QUARANTINE_REASONS) });

export class Quarantine extends WorkerEntrypoint<ApiEnv> implements QuarantineApi {
	async quarantine(request: z.input<typeof quarantineRequest>): Promise<QuarantineAnswer | null> {
		const { label, reason } = quarantineRequest.parse(request);
		const db = openDatabase(this.env.DB);
		const route = await routeOf(db, label);
		if (!route) return null;
		const now = Date.now();
		const until = now + LIMITS.quarantineMs;
		const message = `quarantined: exceeded its limits (${WHY[reason]}); its requests answer 503 until ${iso(until)} or the script's next deploy`;
		if (!(await quarantine(db, route.deploymentId, until, message, now))) return null;
		const labels = await labelsOf(db, route.deploymentId);
		await routesMoved(routeControl(this.env), labels);
		return { deploymentId: route.deploymentId, scriptName: route.scriptName, until, labels };
	}
}
