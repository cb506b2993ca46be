import { describe } from "vitest";
import { runtimeCases } from "./common.case";
import { cloudflarePlatform } from "./platforms";

describe("runtime: Workers for Platforms dispatch namespace (production)", () => {
	runtimeCases(cloudflarePlatform, { subrequestsCountedPer: "request" });
});
