/**
 * The test Worker's view of "the internet" (Miniflare's `outboundService`): every fetch the test Worker
 * makes (the egress gate forwarding a tenant's allowed subrequest, the Cloudflare publisher calling
 * the fake Cloudflare API) leaves workerd through here. Hosts under ECHO_DOMAIN answer with what they
 * received, standing in for the public APIs a tenant calls; everything else (the fake API on
 * 127.0.0.1) is fetched for real.
 */
export const ECHO_DOMAIN = "ferry-egress.example";

export async function internet(request: Request): Promise<Response> {
	const url = new URL(request.url);
	if (url.hostname === ECHO_DOMAIN || url.hostname.endsWith(`.${ECHO_DOMAIN}`)) {
		return Response.json({
			echo: true,
			method: request.method,
			url: request.url,
			headers: Object.fromEntries(request.headers),
			body: request.body ? await request.text() : null,
		});
	}
	// Buffered: Node's fetch will not forward a streamed body without `duplex`, and these bodies are small.
	const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
	return fetch(request.url, { method: request.method, headers: request.headers, body, redirect: "manual" });
}
