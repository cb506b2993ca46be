import { describe } from "vitest";
import { runtimeCases } from "./common.case";
import { workerLoaderPlatform } from "./platforms";

describe("runtime: Worker Loader (local)", () => {
	runtimeCases(workerLoaderPlatform, { subrequestsCountedPer: "isolate" });
});
