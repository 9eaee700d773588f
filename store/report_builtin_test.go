package store

import (
	"strings"
	"testing"
)

// The flow tasks view leaves out cc notices unless the report's own
// condition already does: a condition that could still let a cc notice
// through keeps the view's.
func TestFlowTasksLeaveOutCCUnlessTheReportDoes(t *testing.T) {
	const omission = `"t"."state" <> 'cc'`
	scenarios := []struct {
		name  string
		where Cond
		kept  bool
	}{
		{"no condition", nil, true},
		{"state is pending", Compare("state", OpEq, "pending"), false},
		{"state is pending, with a row scope", And(Compare("owner", OpEq, int64(3)), And(Compare("state", OpEq, "pending"))), false},
		{"state in decided ones", In("state", []any{"approved", "rejected"}, false), false},
		{"state is cc", Compare("state", OpEq, "cc"), true},
		{"state in a list holding cc", In("state", []any{"approved", "cc"}, false), true},
		{"state not in a list", In("state", []any{"approved"}, true), true},
		{"an empty list", In("state", nil, false), true},
		{"state is not pending", Compare("state", OpNe, "pending"), true},
		{"state is pending or anything", Or(Compare("state", OpEq, "pending"), Compare("owner", OpEq, int64(3))), true},
		{"another column is pending", Compare("node", OpEq, "pending"), true},
		{"state compared with a number", Compare("state", OpEq, int64(1)), true},
	}
	for _, d := range []Dialect{Postgres, SQLite} {
		db := &DB{dialect: d}
		for _, sc := range scenarios {
			q := ReportQuery{Source: ReportSource{Builtin: BuiltinFlowTasks}, Where: sc.where,
				Aggs: []ReportAgg{{Func: AggCount}}}
			sql, _, err := db.RenderReport(q)
			if err != nil {
				t.Fatalf("%s, %s: %v", d, sc.name, err)
			}
			if got := strings.Contains(sql, omission); got != sc.kept {
				t.Errorf("%s, %s: the view's own condition kept %v, want %v:\n%s", d, sc.name, got, sc.kept, sql)
			}
		}
	}
}
