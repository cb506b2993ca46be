/**
 * Single timed requests (cold starts, deploy latency). Unlike loopbackFetch, which keeps one
 * connection per hostname, this sends every hostname's requests over the same kept-alive connection
 * to 127.0.0.1 with the Host header set, so that a first request to a new hostname times the
 * platform, not a TCP handshake.
 */
import http from "node:http";

export interface Probe {
	/** GET http://<host>/ and its time from sending to the last byte of the answer, in ms. */
	get(host: string): Promise<{ status: number; body: string; ms: number }>;
	close(): void;
}

export function probe(port: number): Probe {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	return {
		get: (host) =>
			new Promise((resolve, reject) => {
				const started = performance.now();
				const request = http.get({ host: "127.0.0.1", port, path: "/", agent, headers: { host } }, (response) => {
					let body = "";
					response.setEncoding("utf8");
					response.on("data", (chunk: string) => (body += chunk));
					response.on("end", () => resolve({ status: response.statusCode ?? 0, body, ms: performance.now() - started }));
					response.on("error", reject);
				});
				request.on("error", reject);
			}),
		close: () => agent.destroy(),
	};
}
