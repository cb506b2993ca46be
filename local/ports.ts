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
