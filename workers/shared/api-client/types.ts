/**
 * The API's JSON shapes (docs/api.md), as its clients read them: the server's own definitions
 * (workers/api/src/views.ts), under the clients' names. Types only: nothing of the server is bundled.
 */
export type {
	AllUsageAnswer,
	AssetUploadAnswer,
	AssetUploadSessionAnswer,
	DeployAnswer as DeployResult,
	DeploymentEventView as DeploymentEvent,
	DeploymentView as Deployment,
	InvocationView as Invocation,
	IssuedTokenView as IssuedToken,
	KvKeysAnswer,
	LogLineView as LogLine,
	LogsAnswer,
	MetricsAnswer,
	MetricsPointView as MetricsPoint,
	PlansAnswer,
	PlanView as Plan,
	ProgressLine,
	ResourceView as Resource,
	RollbackAnswer as RollbackResult,
	SchedulesAnswer,
	ScheduleView as Schedule,
	ScriptView as Script,
	TenantSettingsView as TenantSettings,
	TenantView as Tenant,
	TokenView as TokenInfo,
	UsageAnswer,
	UsageView as Usage,
} from "../../api/src/views.ts";
