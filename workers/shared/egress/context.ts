/**
 * Who is asking, for every subrequest of tenant code that reaches the egress gate. The dispatcher
 * supplies it when it starts the tenant's code (Worker Loader: the gate entrypoint's props;
 * dispatch namespace: the outbound parameters); tenant code cannot see or change it.
 */
export interface EgressContext {
	tenantId: string;
	deploymentId: string;
	/** The tenant request this subrequest belongs to (workers/shared/http/request-id.ts), when the runtime can say. */
	requestId?: string;
}
