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
	// BuiltinFlowInstances is the instances of flows, one row per instance:
	// id, flow, form, record_id, state (also flow_status), trigger,
	// started_at (also created_at), ended_at, cycle_seconds (in
	// milliseconds, from start to end, for ended instances), submitted_by
	// (also owner and created_by), parent_instance.
	BuiltinFlowInstances = "flow_instances"
)

var builtinViews = map[string]func(Dialect) string{
	BuiltinAudit:         auditView,
	BuiltinFlowTasks:     flowTasksView,
	BuiltinFlowInstances: flowInstancesView,
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

// note: every task belongs to an instance (the runtime creates both in one
// transaction, and instances are never deleted), so the instance is
// joined LEFT: a report that reads nothing of it (open tasks by assignee)
// then does not read the instances at all.
func flowTasksView(d Dialect) string {
	db := &DB{dialect: d}
	last := `(SELECT MAX("s"."at") FROM "mosaic_flow_steps" AS "s" WHERE "s"."instance_id" = "t"."instance_id" ` +
		`AND "s"."task_id" = "t"."id" AND "s"."kind" = '` + stepTaskCreated + `')`
	handed, lateral := `COALESCE(`+last+`, "t"."created_at")`, ""
	if d == Postgres {
		// note: a report reads decision_seconds more than once (an average
		// is a sum and a count), and PostgreSQL evaluates a subquery in an
		// expression at every reference; joined LATERAL it runs once per
		// task, in parallel workers too, and a report that does not read it
		// does not join it at all.
		handed = `COALESCE("h"."at", "t"."created_at")`
		lateral = ` LEFT JOIN LATERAL (SELECT MAX("s"."at") AS "at" FROM "mosaic_flow_steps" AS "s" WHERE "s"."instance_id" = "t"."instance_id" ` +
			`AND "s"."task_id" = "t"."id" AND "s"."kind" = '` + stepTaskCreated + `') AS "h" ON TRUE`
	}
	ms := `CASE WHEN "t"."state" IN ('` + TaskApproved + `', '` + TaskRejected + `', '` + TaskReturned + `') THEN ` +
		`CAST(ROUND(` + db.secondsBetween(handed, `"t"."decided_at"`) + ` * 1000) AS BIGINT) END`
	created := viewTime(d, `"t"."created_at"`)
	return `SELECT "t"."id", ` + created + ` AS "created_at", "i"."submitter_id" AS "created_by", ` +
		viewTime(d, `COALESCE("t"."decided_at", "t"."created_at")`) + ` AS "updated_at", "t"."decided_by" AS "updated_by", ` +
		`"t"."assignee_id" AS "owner", "t"."version" AS "row_version", "i"."state" AS "flow_status", ` +
		`"i"."flow_version" AS "form_version", "i"."flow_key" AS "flow", "i"."form_key" AS "form", "i"."record_id", ` +
		`"t"."instance_id" AS "instance", "t"."node_id" AS "node", "t"."assignee_id" AS "assignee", "t"."state", ` +
		viewTime(d, `"t"."due_at"`) + ` AS "due_at", ` + viewTime(d, `"t"."decided_at"`) + ` AS "decided_at", ` +
		`"t"."decided_by", ` + ms + ` AS "decision_seconds", "i"."state" AS "instance_state", "i"."submitter_id" AS "submitted_by" ` +
		`FROM "mosaic_flow_tasks" AS "t" LEFT JOIN "mosaic_flow_instances" AS "i" ON "i"."id" = "t"."instance_id"` + lateral +
		` WHERE "t"."state" <> '` + TaskCC + `'`
}

func flowInstancesView(d Dialect) string {
	db := &DB{dialect: d}
	started := viewTime(d, `"started_at"`)
	return `SELECT "id", ` + started + ` AS "created_at", "submitter_id" AS "created_by", ` +
		viewTime(d, `COALESCE("ended_at", "started_at")`) + ` AS "updated_at", "submitter_id" AS "updated_by", ` +
		`"submitter_id" AS "owner", "version" AS "row_version", "state" AS "flow_status", "flow_version" AS "form_version", ` +
		`"flow_key" AS "flow", "form_key" AS "form", "record_id", "state", "trigger", ` + started + ` AS "started_at", ` +
		viewTime(d, `"ended_at"`) + ` AS "ended_at", ` +
		`CAST(ROUND(` + db.secondsBetween(`"started_at"`, `"ended_at"`) + ` * 1000) AS BIGINT) AS "cycle_seconds", ` +
		`"submitter_id" AS "submitted_by", "parent_id" AS "parent_instance" FROM "mosaic_flow_instances"`
}
