package store

import "slices"

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

// viewOmission is the rows a built-in view leaves out: those whose column
// holds one of values. inner is the column as the view's SELECT reads it.
type viewOmission struct {
	column Ident
	inner  string
	values []string
}

// builtinOmissions are the rows the built-in views leave out; their SELECTs
// above do not, reportSource does.
var builtinOmissions = map[string]viewOmission{
	// note: cc notices are not tasks anyone decides.
	BuiltinFlowTasks: {column: "state", inner: `"t"."state"`, values: []string{TaskCC}},
}

// render writes the view's WHERE, unless where, which every row the
// report reads meets, leaves those rows out already.
//
// note: PostgreSQL tests a column = value condition after every other one
// (it keeps it as an equivalence and adds it back last), so the view's
// own "state <> 'cc'" ran on each of 1.4 million tasks before the report's
// "state = 'pending'": 12% more CPU than the plain query
// (operations_bottlenecks, 1.55x).
func (o viewOmission) render(b *condBuilder, where Cond) {
	if o.impliedBy(where) {
		return
	}
	for i, v := range o.values {
		if i == 0 {
			b.sql.WriteString(" WHERE ")
		} else {
			b.sql.WriteString(" AND ")
		}
		b.sql.WriteString(o.inner + " <> '" + v + "'")
	}
}

// impliedBy reports whether where holds only where the column holds none
// of the values: it asks, at its top level or under AND, for the column
// to equal another text, or to be in a list of others.
func (o viewOmission) impliedBy(where Cond) bool {
	other := func(v any) bool {
		s, ok := v.(string)
		return ok && !slices.Contains(o.values, s)
	}
	switch c := where.(type) {
	case compareCond:
		return c.column == o.column && c.op == OpEq && other(c.value)
	case inCond:
		if c.column != o.column || c.not || len(c.values) == 0 {
			return false
		}
		for _, v := range c.values {
			if !other(v) {
				return false
			}
		}
		return true
	case listCond:
		if c.op != "AND" {
			return false
		}
		for _, sub := range c.conds {
			if o.impliedBy(sub) {
				return true
			}
		}
	}
	return false
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
		`FROM "mosaic_flow_tasks" AS "t" LEFT JOIN "mosaic_flow_instances" AS "i" ON "i"."id" = "t"."instance_id"` + lateral
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
