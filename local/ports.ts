/** Ports for the local platform, its tests and the benchmarks. */
import { createServer } from "node:net";

/** The port the platform was asked for is taken (another `npm run dev`, or any other server). */
export class PortInUseError extends Error {
	override name = "PortInUseError";
	readonly port: number;

	constructor(port: number, options?: ErrorOptions) {
		super(`port ${port} is in use`, options);
		this.port = port;
	}
}

/** Throws PortInUseError when something listens on host:port already (0, "any port", never does). */
export function assertPortFree(host: string, port: number): Promise<void> {
	if (port === 0) return Promise.resolve();
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", (error: NodeJS.ErrnoException) =>
			reject(error.code === "EADDRINUSE" ? new PortInUseError(port, { cause: error }) : error),
		);
		server.listen(port, host, () => server.close(() => resolve()));
	});
}

/** A TCP port nobody listens on right now (the OS picks it), so runs never collide with `npm run dev`. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

/** `count` distinct free ports: all held open at once while the OS picks them, then released. */
export async function freePorts(count: number): Promise<number[]> {
	const servers = await Promise.all(
		Array.from(
			{ length: count },
			() =>
				new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
					const server = createServer();
					server.once("error", reject);
					server.listen(0, "127.0.0.1", () => resolve(server));
				}),
		),
	);
	const ports = servers.map((server) => (server.address() as { port: number }).port);
	await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
	return ports;
}
