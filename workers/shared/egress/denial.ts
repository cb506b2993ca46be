/**
 * The response header that marks an egress denial and names its reason, so that no upstream 403
 * passes for one. Set by the egress gate (workers/outbound/) and by the local platform's way out
 * (local/egress.ts), which checks what a name resolves to.
 */
export const EGRESS_DENIED_HEADER = "x-ferry-egress-denied";
