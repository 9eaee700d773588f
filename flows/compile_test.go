package flows_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
)

// base is a small valid flow on the example's order form; each scenario
// below breaks it one way. Node indexes: 0 start, 1 check, 2 both, 3 sales,
// 4 finance, 5 done, 6 director, 7 mark, 8 ok, 9 reject_it, 10 no.
const base = `{
  "kind": "flow", "key": "order_check", "title": "Order check", "form": "order",
  "triggers": [{"on": "submit"}],
  "nodes": [
    {"id": "start", "type": "start", "next": "check"},
    {"id": "check", "type": "branch", "branches": [{"when": "amount >= 100000", "next": "both"}], "default": "director"},
    {"id": "both", "type": "split", "targets": ["sales", "finance"]},
    {"id": "sales", "type": "approval", "next": "done",
     "approval": {"mode": "single", "assignees": [{"type": "role", "value": "sales_director"}], "on_reject": "reject_it"}},
    {"id": "finance", "type": "approval", "next": "done",
     "approval": {"mode": "single", "assignees": [{"type": "role", "value": "finance_director"}], "on_reject": "reject_it"}},
    {"id": "done", "type": "join", "join": "all", "next": "mark"},
    {"id": "director", "type": "approval", "next": "mark",
     "approval": {"mode": "single", "assignees": [{"type": "role", "value": "sales_director"}], "on_reject": "reject_it"}},
    {"id": "mark", "type": "action", "next": "ok", "actions": [{"type": "set_fields", "set": {"status": "\"approved\""}}]},
    {"id": "ok", "type": "end"},
    {"id": "reject_it", "type": "action", "next": "no", "actions": [{"type": "set_fields", "set": {"status": "\"rejected\""}}]},
    {"id": "no", "type": "end", "outcome": "rejected"}
  ]
}`

// parseBase parses base, or stops the test.
func parseBase(t *testing.T) *flows.Flow {
	t.Helper()
	f, err := flows.ParseFlow([]byte(base))
	if err != nil {
		t.Fatalf("parse base: %v", err)
	}
	return f
}

func TestCompileBase(t *testing.T) {
	t.Parallel()
	l := exampleLookup(t)
	c, err := flows.Compile(parseBase(t), 3, l, l)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	if c.Version != 3 || c.Form.Form.Key != "order" || c.Start().ID != "start" || len(c.Warnings) != 0 {
		t.Errorf("compiled %+v, warnings %+v", c, c.Warnings)
	}
	if c.JoinOf("both") != "done" || c.SplitOf("done") != "both" || c.JoinOf("sales") != "" {
		t.Errorf("split both ↔ join %q, join done ↔ split %q", c.JoinOf("both"), c.SplitOf("done"))
	}
	if n, ok := c.Node("finance"); !ok || n.Approval.Assignees[0].Value != "finance_director" {
		t.Errorf("Node(finance) = %+v, %v", n, ok)
	}
}

// node returns the i-th node of f.
func node(f *flows.Flow, i int) *flows.Node { return &f.Nodes[i] }

// approval returns the approval settings of node i of f.
func approval(f *flows.Flow, i int) *flows.Approval { return f.Nodes[i].Approval }

// act returns action j of node i of f.
func act(f *flows.Flow, i, j int) *flows.Action { return &f.Nodes[i].Actions[j] }

func TestCompileReportsProblems(t *testing.T) {
	t.Parallel()
	l := exampleLookup(t)
	scenarios := []struct {
		name     string
		edit     func(f *flows.Flow)
		wantPath string
		wantCode string
		// wantAt is "line:column" in the expression, for expression problems;
		// expr places a missing operand at the last character of the source.
		wantAt string
	}{
		// the flow itself
		{"invalid key", func(f *flows.Flow) { f.Key = "Order Check" }, "/key", forms.CodeInvalidKey, ""},
		{"unknown form", func(f *flows.Flow) { f.Form = "invoice" }, "/form", forms.CodeUnknownTarget, ""},
		{"fallback is not an e-mail", func(f *flows.Flow) { f.FallbackAssignee = "ops" }, "/fallback_assignee", flows.CodeInvalidAssignee, ""},
		{"too many nodes", func(f *flows.Flow) {
			for i := range flows.MaxNodes {
				f.Nodes = append(f.Nodes, flows.Node{ID: fmt.Sprintf("n%d", i), Type: "end"})
			}
		}, "/nodes", flows.CodeTooManyNodes, ""},

		// triggers
		{"no trigger", func(f *flows.Flow) { f.Triggers = nil }, "/triggers", flows.CodeMissingSetting, ""},
		{"unknown trigger", func(f *flows.Flow) { f.Triggers[0].On = "delete" }, "/triggers/0/on", forms.CodeInvalidSetting, ""},
		{"trigger condition does not compile", func(f *flows.Flow) { f.Triggers[0].When = `status == "draft" &&` },
			"/triggers/0/when", forms.CodeInvalidExpr, "1:20"},
		{"trigger condition is not a condition", func(f *flows.Flow) { f.Triggers[0].When = `status` },
			"/triggers/0/when", forms.CodeInvalidExpr, "1:1"},
		{"schedule without cron", func(f *flows.Flow) { f.Triggers[0].On = "schedule" }, "/triggers/0/cron", flows.CodeMissingSetting, ""},
		{"cron out of range", func(f *flows.Flow) { f.Triggers[0] = flows.Trigger{On: "schedule", Cron: "61 8 * * 1"} },
			"/triggers/0/cron", flows.CodeInvalidCron, ""},
		{"cron with 4 fields", func(f *flows.Flow) { f.Triggers[0] = flows.Trigger{On: "schedule", Cron: "0 8 * *"} },
			"/triggers/0/cron", flows.CodeInvalidCron, ""},
		{"cron on a submit trigger", func(f *flows.Flow) { f.Triggers[0].Cron = "@daily" }, "/triggers/0/cron", forms.CodeInvalidSetting, ""},

		// nodes and references
		{"invalid node id", func(f *flows.Flow) { node(f, 7).ID = "Mark" }, "/nodes/7/id", forms.CodeInvalidKey, ""},
		{"duplicate node id", func(f *flows.Flow) { node(f, 4).ID = "sales" }, "/nodes/4/id", flows.CodeDuplicateNode, ""},
		{"unknown node type", func(f *flows.Flow) { node(f, 7).Type = "script" }, "/nodes/7/type", forms.CodeInvalidSetting, ""},
		{"no start", func(f *flows.Flow) { f.Nodes = f.Nodes[1:] }, "/nodes", flows.CodeMissingStart, ""},
		{"two starts", func(f *flows.Flow) { f.Nodes = append(f.Nodes, flows.Node{ID: "again", Type: "start", Next: "mark"}) },
			"/nodes/11/type", flows.CodeManyStarts, ""},
		{"no end", func(f *flows.Flow) { node(f, 8).Type, node(f, 10).Type = "split", "split" }, "/nodes", flows.CodeMissingEnd, ""},
		{"unknown next", func(f *flows.Flow) { node(f, 7).Next = "nowhere" }, "/nodes/7/next", flows.CodeUnknownNode, ""},
		{"unknown branch target", func(f *flows.Flow) { node(f, 1).Branches[0].Next = "nowhere" }, "/nodes/1/branches/0/next", flows.CodeUnknownNode, ""},
		{"unknown default", func(f *flows.Flow) { node(f, 1).Default = "nowhere" }, "/nodes/1/default", flows.CodeUnknownNode, ""},
		{"unknown split target", func(f *flows.Flow) { node(f, 2).Targets[1] = "nowhere" }, "/nodes/2/targets/1", flows.CodeUnknownNode, ""},
		{"unknown on_reject", func(f *flows.Flow) { approval(f, 3).OnReject = "nowhere" }, "/nodes/3/approval/on_reject", flows.CodeUnknownNode, ""},
		{"missing next", func(f *flows.Flow) { node(f, 7).Next = "" }, "/nodes/7/next", flows.CodeMissingSetting, ""},
		{"missing default", func(f *flows.Flow) { node(f, 1).Default = "" }, "/nodes/1/default", flows.CodeMissingSetting, ""},
		{"missing approval", func(f *flows.Flow) { node(f, 6).Approval = nil }, "/nodes/6/approval", flows.CodeMissingSetting, ""},
		{"setting that does not apply", func(f *flows.Flow) { node(f, 1).Next = "mark" }, "/nodes/1/next", forms.CodeInvalidSetting, ""},
		{"outcome on an action", func(f *flows.Flow) { node(f, 7).Outcome = "approved" }, "/nodes/7/outcome", forms.CodeInvalidSetting, ""},
		{"unknown outcome", func(f *flows.Flow) { node(f, 8).Outcome = "done" }, "/nodes/8/outcome", forms.CodeInvalidSetting, ""},

		// graph
		{"unreachable node", func(f *flows.Flow) {
			f.Nodes = append(f.Nodes, flows.Node{ID: "orphan", Type: "action", Next: "ok",
				Actions: []flows.Action{{Type: "set_fields", Set: map[string]string{"notes": `"x"`}}}})
		}, "/nodes/11", flows.CodeUnreachableNode, ""},
		{"dead end", func(f *flows.Flow) {
			node(f, 6).Next = "spin"
			f.Nodes = append(f.Nodes, flows.Node{ID: "spin", Type: "branch", Default: "spin",
				Branches: []flows.Branch{{When: "amount > 0", Next: "spin"}}})
		}, "/nodes/11", flows.CodeDeadEnd, ""},
		{"loop without a condition", func(f *flows.Flow) { node(f, 7).Next = "director" }, "/nodes/6/next", flows.CodeUnconditionalCycle, ""},
		{"node leading to itself", func(f *flows.Flow) { node(f, 9).Next = "reject_it" }, "/nodes/9/next", flows.CodeUnconditionalCycle, ""},
		{"parallel path reaching an end", func(f *flows.Flow) { node(f, 4).Next = "mark" }, "/nodes/2/targets/1", flows.CodeUnmatchedSplit, ""},
		{"parallel paths meeting at two joins", func(f *flows.Flow) {
			node(f, 4).Next = "done2"
			f.Nodes = append(f.Nodes, flows.Node{ID: "done2", Type: "join", Join: "all", Next: "mark"})
		}, "/nodes/2/targets/1", flows.CodeUnmatchedSplit, ""},
		{"split with one target", func(f *flows.Flow) { node(f, 2).Targets = []string{"sales"} }, "/nodes/2/targets", forms.CodeInvalidSetting, ""},
		{"split target listed twice", func(f *flows.Flow) { node(f, 2).Targets = []string{"sales", "finance", "sales"} },
			"/nodes/2/targets/2", forms.CodeInvalidSetting, ""},
		{"join entered from outside its split", func(f *flows.Flow) { node(f, 6).Next = "done" }, "/nodes/6/next", flows.CodeUnmatchedJoin, ""},
		{"join closing no split", func(f *flows.Flow) {
			node(f, 6).Next = "lonely"
			f.Nodes = append(f.Nodes, flows.Node{ID: "lonely", Type: "join", Join: "all", Next: "mark"})
		}, "/nodes/11", flows.CodeUnmatchedJoin, ""},
		{"reject into a join", func(f *flows.Flow) { approval(f, 3).OnReject = "done" }, "/nodes/3/approval/on_reject", flows.CodeUnmatchedJoin, ""},
		{"join waiting for more paths than the split starts", func(f *flows.Flow) { node(f, 5).Join, node(f, 5).N = "n", 3 },
			"/nodes/5/n", flows.CodeJoinArity, ""},
		{"join of mode n without n", func(f *flows.Flow) { node(f, 5).Join = "n" }, "/nodes/5/n", flows.CodeMissingSetting, ""},
		{"unknown join mode", func(f *flows.Flow) { node(f, 5).Join = "most" }, "/nodes/5/join", forms.CodeInvalidSetting, ""},

		// branch conditions
		{"condition that does not compile", func(f *flows.Flow) { node(f, 1).Branches[0].When = "amount >=" },
			"/nodes/1/branches/0/when", forms.CodeInvalidExpr, "1:9"},
		{"condition on its second line", func(f *flows.Flow) { node(f, 1).Branches[0].When = "amount >= 100000 &&\n  discount >> 0.2" },
			"/nodes/1/branches/0/when", forms.CodeInvalidExpr, "2:13"},
		{"condition reading an unknown field", func(f *flows.Flow) { node(f, 1).Branches[0].When = "total >= 100000" },
			"/nodes/1/branches/0/when", forms.CodeInvalidExpr, "1:1"},
		{"condition that is not a condition", func(f *flows.Flow) { node(f, 1).Branches[0].When = "amount" },
			"/nodes/1/branches/0/when", forms.CodeInvalidExpr, "1:1"},
		{"empty condition", func(f *flows.Flow) { node(f, 1).Branches[0].When = " " }, "/nodes/1/branches/0/when", flows.CodeMissingSetting, ""},
		{"decision of an unknown node", func(f *flows.Flow) { node(f, 1).Branches[0].When = `amount > 1 && decisions.legal == "approved"` },
			"/nodes/1/branches/0/when", flows.CodeUnknownNode, "1:15"},
		{"decision of a node that is no approval", func(f *flows.Flow) { node(f, 1).Branches[0].When = `decisions["mark"] == "approved"` },
			"/nodes/1/branches/0/when", flows.CodeUnknownNode, "1:1"},

		// approvals
		{"missing mode", func(f *flows.Flow) { approval(f, 3).Mode = "" }, "/nodes/3/approval/mode", flows.CodeMissingSetting, ""},
		{"unknown mode", func(f *flows.Flow) { approval(f, 3).Mode = "majority" }, "/nodes/3/approval/mode", forms.CodeInvalidSetting, ""},
		{"threshold above the assignees", func(f *flows.Flow) {
			a := approval(f, 3)
			a.Mode, a.Threshold = "threshold", 3
			a.Assignees = []flows.Assignee{{Type: "user", Value: "a@example.com"}, {Type: "field", Value: "sales_rep"}}
		}, "/nodes/3/approval/threshold", forms.CodeInvalidSetting, ""},
		{"threshold approval without threshold", func(f *flows.Flow) { approval(f, 3).Mode = "threshold" },
			"/nodes/3/approval/threshold", flows.CodeMissingSetting, ""},
		{"threshold on another mode", func(f *flows.Flow) { approval(f, 3).Threshold = 1 }, "/nodes/3/approval/threshold", forms.CodeInvalidSetting, ""},
		{"no assignees", func(f *flows.Flow) { approval(f, 3).Assignees = nil }, "/nodes/3/approval/assignees", flows.CodeMissingSetting, ""},
		{"user that is not an e-mail", func(f *flows.Flow) { approval(f, 3).Assignees[0] = flows.Assignee{Type: "user", Value: "bob"} },
			"/nodes/3/approval/assignees/0/value", flows.CodeInvalidAssignee, ""},
		{"unknown role", func(f *flows.Flow) { approval(f, 3).Assignees[0].Value = "ceo" },
			"/nodes/3/approval/assignees/0/value", flows.CodeUnknownRole, ""},
		{"unknown assignee type", func(f *flows.Flow) { approval(f, 3).Assignees[0].Type = "group" },
			"/nodes/3/approval/assignees/0/type", forms.CodeInvalidSetting, ""},
		{"assignee field that does not exist", func(f *flows.Flow) { approval(f, 3).Assignees[0] = flows.Assignee{Type: "field", Value: "owner_rep"} },
			"/nodes/3/approval/assignees/0/value", forms.CodeUnknownFieldRef, ""},
		{"assignee field that is not a user field", func(f *flows.Flow) { approval(f, 3).Assignees[0] = flows.Assignee{Type: "field", Value: "customer"} },
			"/nodes/3/approval/assignees/0/value", flows.CodeWrongFieldType, ""},
		{"assignee expression that does not compile", func(f *flows.Flow) {
			approval(f, 3).Assignees[0] = flows.Assignee{Type: "expression", Value: "amount > 1 ? sales_rep :"}
		}, "/nodes/3/approval/assignees/0/value", forms.CodeInvalidExpr, "1:24"},
		{"assignee expression giving text", func(f *flows.Flow) { approval(f, 3).Assignees[0] = flows.Assignee{Type: "expression", Value: "notes"} },
			"/nodes/3/approval/assignees/0/value", forms.CodeInvalidExpr, "1:1"},
		{"manager too far up", func(f *flows.Flow) { approval(f, 3).Assignees[0] = flows.Assignee{Type: "manager", Levels: 9} },
			"/nodes/3/approval/assignees/0/levels", flows.CodeInvalidAssignee, ""},
		{"levels on a role", func(f *flows.Flow) { approval(f, 3).Assignees[0].Levels = 2 },
			"/nodes/3/approval/assignees/0/levels", forms.CodeInvalidSetting, ""},
		{"department that is not an id", func(f *flows.Flow) {
			approval(f, 3).Assignees[0] = flows.Assignee{Type: "department_head", Value: "sales"}
		},
			"/nodes/3/approval/assignees/0/value", flows.CodeInvalidAssignee, ""},
		{"visible field that does not exist", func(f *flows.Flow) { approval(f, 3).Visible = []string{"amount", "colour"} },
			"/nodes/3/approval/visible/1", forms.CodeUnknownFieldRef, ""},
		{"editable field that is not visible", func(f *flows.Flow) {
			approval(f, 3).Visible, approval(f, 3).Editable = []string{"amount"}, []string{"discount"}
		}, "/nodes/3/approval/editable/0", flows.CodeEditableNotVisible, ""},
		{"editable formula", func(f *flows.Flow) { approval(f, 3).Editable = []string{"amount"} },
			"/nodes/3/approval/editable/0", forms.CodeInvalidSetting, ""},
		{"editable sub-table column that does not exist", func(f *flows.Flow) { approval(f, 3).Editable = []string{"items.price"} },
			"/nodes/3/approval/editable/0", forms.CodeUnknownFieldRef, ""},
		{"deadline that is no duration", func(f *flows.Flow) { approval(f, 3).Deadline = &flows.Deadline{After: "2 days", Then: "remind"} },
			"/nodes/3/approval/deadline/after", flows.CodeInvalidDuration, ""},
		{"unknown deadline action", func(f *flows.Flow) { approval(f, 3).Deadline = &flows.Deadline{After: "2d", Then: "panic"} },
			"/nodes/3/approval/deadline/then", forms.CodeInvalidSetting, ""},
		{"cc with a reject target", func(f *flows.Flow) { node(f, 6).Type = "cc" }, "/nodes/6/approval/on_reject", forms.CodeInvalidSetting, ""},

		// actions
		{"unknown action type", func(f *flows.Flow) { act(f, 7, 0).Type = "print" }, "/nodes/7/actions/0/type", forms.CodeInvalidSetting, ""},
		{"set an unknown field", func(f *flows.Flow) { act(f, 7, 0).Set["colour"] = `"red"` }, "/nodes/7/actions/0/set/colour", forms.CodeUnknownFieldRef, ""},
		{"set a formula", func(f *flows.Flow) { act(f, 7, 0).Set["amount"] = "0" }, "/nodes/7/actions/0/set/amount", forms.CodeInvalidSetting, ""},
		{"set a sub-table", func(f *flows.Flow) { act(f, 7, 0).Set["items"] = "[]" }, "/nodes/7/actions/0/set/items", forms.CodeInvalidSetting, ""},
		{"set a value of the wrong type", func(f *flows.Flow) { act(f, 7, 0).Set["status"] = "amount" },
			"/nodes/7/actions/0/set/status", forms.CodeInvalidExpr, "1:1"},
		{"set an option that does not exist", func(f *flows.Flow) { act(f, 7, 0).Set["status"] = `"aproved"` },
			"/nodes/7/actions/0/set/status", forms.CodeNotAnOption, "1:1"},
		{"set with an expression that does not compile", func(f *flows.Flow) { act(f, 7, 0).Set["notes"] = `"ok" +` },
			"/nodes/7/actions/0/set/notes", forms.CodeInvalidExpr, "1:6"},
		{"set_fields with a form", func(f *flows.Flow) { act(f, 7, 0).Form = "customer" }, "/nodes/7/actions/0/form", forms.CodeInvalidSetting, ""},
		{"create a record in an unknown form", func(f *flows.Flow) {
			node(f, 7).Actions = append(node(f, 7).Actions, flows.Action{Type: "create_record", Form: "invoice", Set: map[string]string{"order": "id"}})
		}, "/nodes/7/actions/1/form", forms.CodeUnknownTarget, ""},
		{"create a record with an unknown field", func(f *flows.Flow) {
			node(f, 7).Actions = append(node(f, 7).Actions, flows.Action{Type: "create_record", Form: "customer",
				Set: map[string]string{"name": "notes", "region": "region", "order": "id"}})
		}, "/nodes/7/actions/1/set/order", forms.CodeUnknownFieldRef, ""},
		{"create a record without a required field", func(f *flows.Flow) {
			node(f, 7).Actions = append(node(f, 7).Actions, flows.Action{Type: "create_record", Form: "customer", Set: map[string]string{"name": "notes"}})
		}, "/nodes/7/actions/1/set", flows.CodeMissingRequiredField, ""},
		{"create_record mappings cannot read a target", func(f *flows.Flow) {
			node(f, 7).Actions = append(node(f, 7).Actions, flows.Action{Type: "create_record", Form: "customer",
				Set: map[string]string{"name": "target.name", "region": "region"}})
		}, "/nodes/7/actions/1/set/name", forms.CodeInvalidExpr, "1:1"},
		{"update_record mappings read only fields of their target", func(f *flows.Flow) {
			node(f, 7).Actions = append(node(f, 7).Actions, flows.Action{Type: "update_record", Form: "customer", Record: "customer",
				Set: map[string]string{"credit_limit": "target.credit + amount"}})
		}, "/nodes/7/actions/1/set/credit_limit", forms.CodeUnknownFieldRef, "1:1"},
		{"an update_record mapping names its target's fields, also in brackets", func(f *flows.Flow) {
			node(f, 7).Actions = append(node(f, 7).Actions, flows.Action{Type: "update_record", Form: "order", Record: "id",
				Set: map[string]string{"notes": `"lines: " + string(len(target["lines"]))`}})
		}, "/nodes/7/actions/1/set/notes", forms.CodeUnknownFieldRef, "1:24"},
		{"update a record without saying which", func(f *flows.Flow) {
			node(f, 7).Actions = append(node(f, 7).Actions, flows.Action{Type: "update_record", Form: "customer", Set: map[string]string{"notes": "notes"}})
		}, "/nodes/7/actions/1/record", flows.CodeMissingSetting, ""},
		{"update a record whose id is text", func(f *flows.Flow) {
			node(f, 7).Actions = append(node(f, 7).Actions, flows.Action{Type: "update_record", Form: "customer", Record: "notes", Set: map[string]string{"notes": "notes"}})
		}, "/nodes/7/actions/1/record", forms.CodeInvalidExpr, "1:1"},
		{"notify without a message", func(f *flows.Flow) {
			node(f, 7).Actions = append(node(f, 7).Actions, flows.Action{Type: "notify", To: []flows.Assignee{{Type: "field", Value: "sales_rep"}}})
		}, "/nodes/7/actions/1/message", flows.CodeMissingSetting, ""},
		{"notify an unknown role", func(f *flows.Flow) {
			node(f, 7).Actions = append(node(f, 7).Actions, flows.Action{Type: "notify", Message: "hi", To: []flows.Assignee{{Type: "role", Value: "ceo"}}})
		}, "/nodes/7/actions/1/to/0/value", flows.CodeUnknownRole, ""},
		{"message with an unclosed placeholder", func(f *flows.Flow) {
			node(f, 7).Actions = append(node(f, 7).Actions, flows.Action{Type: "notify", Message: "Order {{number is approved", To: []flows.Assignee{{Type: "field", Value: "sales_rep"}}})
		}, "/nodes/7/actions/1/message", flows.CodeInvalidTemplate, "1:7"},
		{"message with a placeholder that does not compile", func(f *flows.Flow) {
			node(f, 7).Actions = append(node(f, 7).Actions, flows.Action{Type: "notify", Message: "Order {{numbr}} is approved", To: []flows.Assignee{{Type: "field", Value: "sales_rep"}}})
		}, "/nodes/7/actions/1/message", forms.CodeInvalidExpr, "1:9"},
		{"message placeholder on its second line", func(f *flows.Flow) {
			node(f, 7).Actions = append(node(f, 7).Actions, flows.Action{Type: "notify", Message: "Approved.\nTotal: {{ amount * }}", To: []flows.Assignee{{Type: "field", Value: "sales_rep"}}})
		}, "/nodes/7/actions/1/message", forms.CodeInvalidExpr, "2:19"},
		{"webhook that is not http", func(f *flows.Flow) {
			node(f, 7).Actions = append(node(f, 7).Actions, flows.Action{Type: "webhook", URL: "ftp://erp.example.com/orders"})
		}, "/nodes/7/actions/1/url", flows.CodeInvalidURL, ""},

		// waits and subflows
		{"wait that is no duration", func(f *flows.Flow) { waitAt(f, &flows.Wait{Duration: "soon"}) }, "/nodes/7/wait/duration", flows.CodeInvalidDuration, ""},
		{"wait for nothing", func(f *flows.Flow) { waitAt(f, &flows.Wait{}) }, "/nodes/7/wait", flows.CodeMissingSetting, ""},
		{"wait for two things", func(f *flows.Flow) { waitAt(f, &flows.Wait{Duration: "1d", Until: "true"}) }, "/nodes/7/wait", forms.CodeInvalidSetting, ""},
		{"wait until a field that is not a date", func(f *flows.Flow) { waitAt(f, &flows.Wait{UntilDate: "amount"}) },
			"/nodes/7/wait/until_date", flows.CodeWrongFieldType, ""},
		{"wait until a condition that is not one", func(f *flows.Flow) { waitAt(f, &flows.Wait{Until: "notes"}) },
			"/nodes/7/wait/until", forms.CodeInvalidExpr, "1:1"},
		{"subflow of itself", func(f *flows.Flow) {
			n := node(f, 7)
			n.Type, n.Actions, n.Subflow = "subflow", nil, &flows.Subflow{Flow: "order_check", Record: "customer"}
		}, "/nodes/7/subflow/flow", forms.CodeInvalidSetting, ""},
		{"subflow on a record that is not an id", func(f *flows.Flow) {
			n := node(f, 7)
			n.Type, n.Actions, n.Subflow = "subflow", nil, &flows.Subflow{Flow: "contract_approval", Record: "order_date"}
		}, "/nodes/7/subflow/record", forms.CodeInvalidExpr, "1:1"},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			f := parseBase(t)
			sc.edit(f)
			_, err := flows.Compile(f, 1, l, l)
			if err == nil {
				t.Fatalf("Compile accepted it; want %s at %s", sc.wantCode, sc.wantPath)
			}
			ps := problemsOf(t, err)
			for _, p := range ps {
				t.Logf("%s %s %d:%d: %s", p.Path, p.Code, p.Line, p.Column, p.Message)
			}
			for _, p := range ps {
				if p.Path != sc.wantPath || p.Code != sc.wantCode {
					continue
				}
				if p.Message == "" {
					t.Errorf("empty message")
				}
				at := ""
				if p.Line > 0 {
					at = fmt.Sprintf("%d:%d", p.Line, p.Column)
				}
				if at != sc.wantAt {
					t.Errorf("at %q, want %q", at, sc.wantAt)
				}
				return
			}
			t.Errorf("want %s at %s", sc.wantCode, sc.wantPath)
		})
	}
}

// waitAt turns node 7 (mark) into a wait.
func waitAt(f *flows.Flow, w *flows.Wait) {
	n := node(f, 7)
	n.Type, n.Actions, n.Wait = "wait", nil, w
}

func TestCompileReportsEveryProblemOnce(t *testing.T) {
	t.Parallel()
	l := exampleLookup(t)
	f := parseBase(t)
	node(f, 7).Next = "nowhere"
	approval(f, 3).Mode = "majority"
	node(f, 1).Branches[0].When = "amount >="
	_, err := flows.Compile(f, 1, l, l)
	var got []string
	for _, p := range problemsOf(t, err) {
		got = append(got, p.Code+" "+p.Path)
	}
	want := []string{
		"definition_invalid_expression /nodes/1/branches/0/when",
		"definition_invalid_setting /nodes/3/approval/mode",
		"flow_unknown_node /nodes/7/next",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCompileWarnings(t *testing.T) {
	t.Parallel()
	l := exampleLookup(t)
	scenarios := []struct {
		name      string
		edit      func(f *flows.Flow)
		wantCodes []string // "code path"
	}{
		{"roles always resolve", func(*flows.Flow) {}, nil},
		{"a field that may be empty", func(f *flows.Flow) {
			approval(f, 6).Assignees = []flows.Assignee{{Type: "field", Value: "sales_rep"}}
		}, []string{"flow_may_have_no_assignee /nodes/6/approval/assignees", "flow_no_fallback_assignee /fallback_assignee"}},
		{"a manager who may not exist, with a fallback", func(f *flows.Flow) {
			f.FallbackAssignee = "ops@example.com"
			approval(f, 6).Assignees = []flows.Assignee{{Type: "manager", Levels: 2}}
		}, []string{"flow_may_have_no_assignee /nodes/6/approval/assignees"}},
		{"a manager or a role", func(f *flows.Flow) {
			approval(f, 6).Assignees = []flows.Assignee{{Type: "manager"}, {Type: "role", Value: "sales_director"}}
		}, nil},
		{"an expression on a cc node", func(f *flows.Flow) {
			n := node(f, 6)
			n.Type, n.Approval = "cc", &flows.Approval{Assignees: []flows.Assignee{{Type: "expression", Value: "[sales_rep]"}}}
		}, []string{"flow_may_have_no_assignee /nodes/6/approval/assignees", "flow_no_fallback_assignee /fallback_assignee"}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			f := parseBase(t)
			sc.edit(f)
			c, err := flows.Compile(f, 1, l, l)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			var got []string
			for _, w := range c.Warnings {
				got = append(got, w.Code+" "+w.Path)
			}
			if strings.Join(got, "\n") != strings.Join(sc.wantCodes, "\n") {
				t.Errorf("warnings %q, want %q", got, sc.wantCodes)
			}
		})
	}
}

func TestCompileExampleWarns(t *testing.T) {
	t.Parallel()
	l := exampleLookup(t)
	c := exampleFlow(t, l)
	var got []string
	for _, w := range c.Warnings {
		got = append(got, w.Code+" "+w.Path)
	}
	want := []string{"flow_may_have_no_assignee /nodes/8/approval/assignees", "flow_no_fallback_assignee /fallback_assignee"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings %q, want %q", got, want)
	}
}
