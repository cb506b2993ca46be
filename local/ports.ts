/** Ports for the local platform, its tests and the benchmarks. */
import { createServer } from "node:net";

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
