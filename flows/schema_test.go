package flows_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/schemas"
)

// editBase decodes base, lets change modify it and encodes it again.
func editBase(t *testing.T, change func(doc map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(base), &doc); err != nil {
		t.Fatalf("decode base: %v", err)
	}
	change(doc)
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// nodeDoc returns node i of a decoded flow.
func nodeDoc(doc map[string]any, i int) map[string]any {
	return doc["nodes"].([]any)[i].(map[string]any)
}

func TestSchemaAcceptsFlows(t *testing.T) {
	t.Parallel()
	v, err := schemas.New()
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(filepath.Join(exampleDir, "flows", "order-approval.json"))
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string][]byte{
		"example": example,
		"base":    []byte(base),
		"every node type": editBase(t, func(d map[string]any) {
			d["fallback_assignee"], d["allow_self_approval"] = "ops@example.com", true
			d["triggers"] = []any{map[string]any{"on": "schedule", "cron": "0 8 * * 1", "when": "status == \"draft\""}}
			nodes := d["nodes"].([]any)
			nodes = append(nodes,
				map[string]any{"id": "w", "type": "wait", "wait": map[string]any{"until_date": "delivery_date"}, "next": "ok"},
				map[string]any{"id": "s", "type": "subflow", "subflow": map[string]any{"flow": "contract_approval", "record": "customer"}, "next": "ok"},
				map[string]any{"id": "c", "type": "cc", "approval": map[string]any{"assignees": []any{map[string]any{"type": "department_head"}}}, "next": "ok"},
				map[string]any{"id": "j", "type": "join", "join": "n", "n": 2, "next": "ok"},
				map[string]any{"id": "a", "type": "action", "next": "ok", "actions": []any{
					map[string]any{"type": "create_record", "form": "customer", "set": map[string]any{"name": "notes"}},
					map[string]any{"type": "update_record", "form": "customer", "record": "customer", "set": map[string]any{"notes": "notes"}},
					map[string]any{"type": "notify", "to": []any{map[string]any{"type": "manager", "levels": 2}}, "message": "Order {{number}}"},
					map[string]any{"type": "webhook", "url": "https://erp.example.com/hooks/orders"},
				}},
			)
			d["nodes"] = nodes
			nodeDoc(d, 3)["approval"] = map[string]any{"mode": "threshold", "threshold": 2, "visible": []any{"amount", "items.qty"},
				"editable": []any{"items.qty"}, "reject_comment_required": true, "on_reject": "reject_it",
				"deadline":  map[string]any{"after": "1d12h", "then": "escalate"},
				"assignees": []any{map[string]any{"type": "user", "value": "a@example.com"}, map[string]any{"type": "expression", "value": "[sales_rep]"}}}
		}),
	} {
		problems, err := v.Validate(doc)
		if err != nil {
			t.Fatalf("%s: Validate: %v", name, err)
		}
		for _, p := range problems {
			t.Errorf("%s: %s %s: %s", name, p.Path, p.Code, p.Message)
		}
	}
}

func TestSchemaRejectsMistakes(t *testing.T) {
	t.Parallel()
	v, err := schemas.New()
	if err != nil {
		t.Fatal(err)
	}
	scenarios := []struct {
		name     string
		change   func(d map[string]any)
		wantPath string
		wantCode string
	}{
		{"no form", func(d map[string]any) { delete(d, "form") }, "/form", schemas.CodeRequired},
		{"no trigger", func(d map[string]any) { d["triggers"] = []any{} }, "/triggers", schemas.CodeMinItems},
		{"unknown trigger", func(d map[string]any) { d["triggers"] = []any{map[string]any{"on": "submitted"}} }, "/triggers/0/on", schemas.CodeEnum},
		{"schedule without cron", func(d map[string]any) { d["triggers"] = []any{map[string]any{"on": "schedule"}} }, "/triggers/0/cron", schemas.CodeRequired},
		{"fallback that is no e-mail", func(d map[string]any) { d["fallback_assignee"] = "ops" }, "/fallback_assignee", schemas.CodePattern},
		{"unknown flow setting", func(d map[string]any) { d["nodez"] = []any{} }, "/nodez", schemas.CodeAdditionalProperty},
		{"unknown node setting", func(d map[string]any) { nodeDoc(d, 0)["to"] = "check" }, "/nodes/0/to", schemas.CodeAdditionalProperty},
		{"node id with capitals", func(d map[string]any) { nodeDoc(d, 0)["id"] = "Start" }, "/nodes/0/id", schemas.CodePattern},
		{"unknown node type", func(d map[string]any) { nodeDoc(d, 7)["type"] = "script" }, "/nodes/7/type", schemas.CodeEnum},
		{"start without next", func(d map[string]any) { delete(nodeDoc(d, 0), "next") }, "/nodes/0/next", schemas.CodeRequired},
		{"branch without default", func(d map[string]any) { delete(nodeDoc(d, 1), "default") }, "/nodes/1/default", schemas.CodeRequired},
		{"branch without branches", func(d map[string]any) { delete(nodeDoc(d, 1), "branches") }, "/nodes/1/branches", schemas.CodeRequired},
		{"branch without a condition", func(d map[string]any) {
			delete(nodeDoc(d, 1)["branches"].([]any)[0].(map[string]any), "when")
		}, "/nodes/1/branches/0/when", schemas.CodeRequired},
		{"split without targets", func(d map[string]any) { delete(nodeDoc(d, 2), "targets") }, "/nodes/2/targets", schemas.CodeRequired},
		{"split with one target", func(d map[string]any) { nodeDoc(d, 2)["targets"] = []any{"sales"} }, "/nodes/2/targets", schemas.CodeMinItems},
		{"join without mode", func(d map[string]any) { delete(nodeDoc(d, 5), "join") }, "/nodes/5/join", schemas.CodeRequired},
		{"join of mode n without n", func(d map[string]any) { nodeDoc(d, 5)["join"] = "n" }, "/nodes/5/n", schemas.CodeRequired},
		{"approval without approval", func(d map[string]any) { delete(nodeDoc(d, 3), "approval") }, "/nodes/3/approval", schemas.CodeRequired},
		{"approval without mode", func(d map[string]any) { delete(nodeDoc(d, 3)["approval"].(map[string]any), "mode") }, "/nodes/3/approval/mode", schemas.CodeRequired},
		{"approval without assignees", func(d map[string]any) { delete(nodeDoc(d, 3)["approval"].(map[string]any), "assignees") }, "/nodes/3/approval/assignees", schemas.CodeRequired},
		{"threshold approval without threshold", func(d map[string]any) { nodeDoc(d, 3)["approval"].(map[string]any)["mode"] = "threshold" },
			"/nodes/3/approval/threshold", schemas.CodeRequired},
		{"role assignee without role", func(d map[string]any) {
			nodeDoc(d, 3)["approval"].(map[string]any)["assignees"] = []any{map[string]any{"type": "role"}}
		}, "/nodes/3/approval/assignees/0/value", schemas.CodeRequired},
		{"manager too far up", func(d map[string]any) {
			nodeDoc(d, 3)["approval"].(map[string]any)["assignees"] = []any{map[string]any{"type": "manager", "levels": 9}}
		}, "/nodes/3/approval/assignees/0/levels", schemas.CodeMaximum},
		{"deadline that is no duration", func(d map[string]any) {
			nodeDoc(d, 3)["approval"].(map[string]any)["deadline"] = map[string]any{"after": "2 days", "then": "remind"}
		}, "/nodes/3/approval/deadline/after", schemas.CodePattern},
		{"action without actions", func(d map[string]any) { delete(nodeDoc(d, 7), "actions") }, "/nodes/7/actions", schemas.CodeRequired},
		{"set_fields without set", func(d map[string]any) { nodeDoc(d, 7)["actions"] = []any{map[string]any{"type": "set_fields"}} },
			"/nodes/7/actions/0/set", schemas.CodeRequired},
		{"create_record without form", func(d map[string]any) {
			nodeDoc(d, 7)["actions"] = []any{map[string]any{"type": "create_record", "set": map[string]any{"name": "notes"}}}
		}, "/nodes/7/actions/0/form", schemas.CodeRequired},
		{"webhook that is not http", func(d map[string]any) {
			nodeDoc(d, 7)["actions"] = []any{map[string]any{"type": "webhook", "url": "ftp://x.example.com"}}
		}, "/nodes/7/actions/0/url", schemas.CodePattern},
		{"wait without wait", func(d map[string]any) { nodeDoc(d, 7)["type"] = "wait" }, "/nodes/7/wait", schemas.CodeRequired},
		{"subflow without subflow", func(d map[string]any) { nodeDoc(d, 7)["type"] = "subflow" }, "/nodes/7/subflow", schemas.CodeRequired},
		{"unknown outcome", func(d map[string]any) { nodeDoc(d, 8)["outcome"] = "done" }, "/nodes/8/outcome", schemas.CodeEnum},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			problems, err := v.Validate(editBase(t, sc.change))
			if err != nil {
				t.Fatalf("Validate: %v", err)
			}
			for _, p := range problems {
				t.Logf("%s %q: %s", p.Code, p.Path, p.Message)
				if p.Path == sc.wantPath && p.Code == sc.wantCode {
					return
				}
			}
			t.Errorf("want %s at %q", sc.wantCode, sc.wantPath)
		})
	}
}
