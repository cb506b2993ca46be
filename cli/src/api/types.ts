/**
 * The API's JSON shapes (docs/api.md), as the CLI reads them: the server's own definitions
 * (workers/api/src/views.ts), under the CLI's names. Types only: nothing of the server is bundled.
 */
export type {
	AssetUploadAnswer,
	AssetUploadSessionAnswer,
	DeployAnswer as DeployResult,
	DeploymentEventView as DeploymentEvent,
	DeploymentView as Deployment,
	IssuedTokenView as IssuedToken,
	ProgressLine,
	RollbackAnswer as RollbackResult,
	ScriptView as Script,
	TenantView as Tenant,
	TokenView as TokenInfo,
} from "../../../workers/api/src/views.ts";
