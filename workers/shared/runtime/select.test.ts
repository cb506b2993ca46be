import { describe, expect, it } from "vitest";
import { runtimeName } from "./select";

describe("runtimeName", () => {
	it("defaults to Worker Loader and accepts both runtimes", () => {
		expect(runtimeName(undefined)).toBe("worker-loader");
		expect(runtimeName("")).toBe("worker-loader");
		expect(runtimeName("worker-loader")).toBe("worker-loader");
		expect(runtimeName("dispatch-namespace")).toBe("dispatch-namespace");
	});

	it("refuses anything else, naming the choices", () => {
		expect(() => runtimeName("workers-for-platforms")).toThrow(
			"RUNTIME is 'workers-for-platforms'; it must be one of: worker-loader, dispatch-namespace",
		);
	});
});
