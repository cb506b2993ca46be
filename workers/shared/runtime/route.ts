/** What the dispatcher resolves a hostname to, and what a runtime adapter needs to run it. */
export interface RouteTarget {
	label: string;
	scriptName: string;
	deploymentId: string;
	tenantId: string;
}

/** Hands a request to a deployment's code. One implementation per runtime (Worker Loader, dispatch namespace). */
export interface RuntimeAdapter {
	fetch(target: RouteTarget, request: Request): Promise<Response>;
}

/** The dispatcher's control surface (its `RouteControl` entrypoint), called by the API after routes move. */
export interface RouteControlApi {
	invalidate(labels: string[]): Promise<void>;
}
