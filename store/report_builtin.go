package store

// Built-in report sources: fixed views over system tables that reports
// read like forms. Besides their own columns, each view has the columns
// every form table has (id, created_at, created_by, updated_at,
// updated_by, owner, row_version, flow_status, form_version) with a
// meaning of its own, so list filters and row scopes written for forms
// apply unchanged. Timestamps are UTC; on SQLite they are rewritten in
// TimestampLayout, so they compare with bound times as form columns do.
//
// NB! the view texts are fixed SQL written here; nothing in them comes from
// input.

// Names of the built-in sources.
const (
	// BuiltinAudit is the audit log, one row per entry: id, at, actor
	// (also owner and created_by), action, target_kind, target_key,
	// record_id, summary.
	BuiltinAudit = "audit"
	// BuiltinFlowTasks is the tasks of flow instances (not cc notices), one
	// row per task: id, flow, form, record_id, instance, node, assignee
	// (also owner), state, created_at, due_at, decided_at, decided_by,
	// decision_seconds (in milliseconds, from being handed to the approver
	// to the decision, for decided tasks), instance_state (also
	// flow_status), submitted_by (also created_by).
	BuiltinFlowTasks = "flow_tasks"
)

var builtinViews = map[string]func(Dialect) string{
	BuiltinAudit:     auditView,
	BuiltinFlowTasks: flowTasksView,
}

// viewTime is a timestamp column of a view, in UTC; on SQLite as text in
// TimestampLayout (microseconds beyond the millisecond are dropped).
func viewTime(d Dialect, col string) string {
	if d == Postgres {
		return col
	}
	return "(strftime('%Y-%m-%dT%H:%M:%f', " + col + ") || '000Z')"
}

func auditView(d Dialect) string {
	at := viewTime(d, `"at"`)
	return `SELECT "id", ` + at + ` AS "created_at", "actor_id" AS "created_by", ` + at + ` AS "updated_at", ` +
		`"actor_id" AS "updated_by", "actor_id" AS "owner", 1 AS "row_version", CAST(NULL AS TEXT) AS "flow_status", ` +
		`0 AS "form_version", ` + at + ` AS "at", "actor_id" AS "actor", "action", "target_kind", "target_key", ` +
		`"record_id", "summary" FROM "mosaic_audit"`
}

func flowTasksView(d Dialect) string {
	db := &DB{dialect: d}
	handed := `COALESCE((SELECT MAX("s"."at") FROM "mosaic_flow_steps" AS "s" WHERE "s"."instance_id" = "t"."instance_id" ` +
		`AND "s"."task_id" = "t"."id" AND "s"."kind" = '` + stepTaskCreated + `'), "t"."created_at")`
	ms := `CASE WHEN "t"."state" IN ('` + TaskApproved + `', '` + TaskRejected + `', '` + taskReturned + `') THEN ` +
		`CAST(ROUND(` + db.secondsBetween(handed, `"t"."decided_at"`) + ` * 1000) AS BIGINT) END`
	created := viewTime(d, `"t"."created_at"`)
	return `SELECT "t"."id", ` + created + ` AS "created_at", "i"."submitter_id" AS "created_by", ` +
		viewTime(d, `COALESCE("t"."decided_at", "t"."created_at")`) + ` AS "updated_at", "t"."decided_by" AS "updated_by", ` +
		`"t"."assignee_id" AS "owner", "t"."version" AS "row_version", "i"."state" AS "flow_status", ` +
		`"i"."flow_version" AS "form_version", "i"."flow_key" AS "flow", "i"."form_key" AS "form", "i"."record_id", ` +
		`"t"."instance_id" AS "instance", "t"."node_id" AS "node", "t"."assignee_id" AS "assignee", "t"."state", ` +
		viewTime(d, `"t"."due_at"`) + ` AS "due_at", ` + viewTime(d, `"t"."decided_at"`) + ` AS "decided_at", ` +
		`"t"."decided_by", ` + ms + ` AS "decision_seconds", "i"."state" AS "instance_state", "i"."submitter_id" AS "submitted_by" ` +
		`FROM "mosaic_flow_tasks" AS "t" JOIN "mosaic_flow_instances" AS "i" ON "i"."id" = "t"."instance_id" ` +
		`WHERE "t"."state" <> '` + TaskCC + `'`
}
