/**
 * The names of the bindings the local platform adds to the control Worker at start (they depend on
 * how many runtime processes it runs, so they are not in wrangler.toml): one pair per slot, A and B,
 * so a replacement process comes up on the other side's ports before the old one goes. Shared by the
 * control Worker (which calls them) and the supervisor (which creates them and the processes).
 */

export const SIDES = ["A", "B"] as const;
export type Side = (typeof SIDES)[number];

export const otherSide = (side: Side): Side => (side === "A" ? "B" : "A");

/** The runtime process's public socket (its dispatcher's fetch handler) in slot `slot`. */
export const runtimeBinding = (slot: number, side: Side) => `RT_${slot}_${side}`;

/** The runtime process's RouteControl socket in slot `slot`. */
export const routeControlBinding = (slot: number, side: Side) => `RC_${slot}_${side}`;

/** The runtime process's Scheduler socket in slot `slot` (the minute tick's cron triggers, ./cron.ts). */
export const schedulerBinding = (slot: number, side: Side) => `SC_${slot}_${side}`;

/** The probe process's Probe socket. */
export const probeBinding = (side: Side) => `PROBE_${side}`;

/** The header the supervisor's calls to the control surface carry (its value: the SUPERVISOR_TOKEN binding). */
export const SUPERVISOR_TOKEN_HEADER = "x-ferry-supervisor-token";
