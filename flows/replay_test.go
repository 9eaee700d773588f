package flows_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/flows"
)

// exampleDraft compiles the example's order approval with old replaced by
// new, as version 2: a draft an admin edited.
func exampleDraft(t *testing.T, l *lookup, old, new string) *flows.Compiled {
	t.Helper()
	return compileDraft(t, l, editedExample(t, old, new))
}

// editedExample parses the example's order approval with old replaced by
// new.
func editedExample(t *testing.T, old, new string) *flows.Flow {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(exampleDir, "flows", "order-approval.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), old) {
		t.Fatalf("the example flow has no %q", old)
	}
	f, err := flows.ParseFlow([]byte(strings.Replace(string(raw), old, new, 1)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func compileDraft(t *testing.T, l *lookup, f *flows.Flow) *flows.Compiled {
	t.Helper()
	c, err := flows.Compile(f, 2, l, l)
	if err != nil {
		t.Fatalf("compile the draft: %v", err)
	}
	return c
}

func TestReplayLowerThresholdMovesLoadToTheFinanceDirector(t *testing.T) {
	t.Parallel()
	l := exampleLookup(t)
	published := exampleFlow(t, l)
	draft := exampleDraft(t, l, `"amount >= 100000"`, `"amount >= 50000"`)
	var cases []flows.ReplayCase
	for i, price := range []string{"30000", "60000", "150000", "75000"} {
		rec := order(t, l, price, "0")
		rec["id"] = int64(i + 1)
		cases = append(cases, flows.ReplayCase{Record: rec, Submitter: rep})
	}
	r, err := flows.Replay(published, draft, cases, newResolver())
	if err != nil {
		t.Fatal(err)
	}
	if r.Flow != "order_approval" || r.PublishedVersion != 1 || r.Records != 4 || r.Changed != 2 {
		t.Errorf("flow %s v%d, %d records, %d changed; want order_approval v1, 4, 2", r.Flow, r.PublishedVersion, r.Records, r.Changed)
	}
	changed := map[int64]bool{}
	for _, it := range r.Items {
		changed[it.RecordID] = it.Changed
	}
	if fmt.Sprint(changed) != "map[1:false 2:true 3:false 4:true]" {
		t.Errorf("changed records %v, want 60,000 and 75,000 only", changed)
	}
	moved := r.Items[1]
	if got := fmt.Sprint(moved.Published.Tasks); got != "[{sales_director_approval [11]}]" {
		t.Errorf("60,000 under the published version: tasks %s", got)
	}
	if got := fmt.Sprint(moved.Draft.Tasks); got != "[{sales_director_sign [11]} {finance_director_sign [21]}]" {
		t.Errorf("60,000 under the draft: tasks %s", got)
	}
	if moved.Published.Outcome != "approved" || moved.Draft.Outcome != "approved" {
		t.Errorf("outcomes %q / %q", moved.Published.Outcome, moved.Draft.Outcome)
	}
	loads := map[int64]string{}
	for _, a := range r.Approvers {
		loads[a.UserID] = fmt.Sprintf("%d→%d (%+d)", a.Published, a.Draft, a.Delta)
	}
	if loads[financeDirector] != "1→3 (+2)" || loads[salesDirectorID] != "4→4 (+0)" || len(loads) != 2 {
		t.Errorf("approver loads %v; want the finance director 1→3, the sales director unchanged", loads)
	}
	if r.Approvers[0].UserID != financeDirector {
		t.Errorf("the biggest change is not listed first: %+v", r.Approvers)
	}
	nodes := map[string]string{}
	for _, n := range r.Nodes {
		nodes[n.Node] = fmt.Sprintf("%d→%d", n.Published, n.Draft)
	}
	for node, want := range map[string]string{"start": "4→4", "countersign": "1→3", "sales_director_approval": "3→1",
		"finance_director_sign": "1→3", "directors_done": "1→3", "general_manager_approval": ""} {
		if nodes[node] != want {
			t.Errorf("node %s: %q, want %q", node, nodes[node], want)
		}
	}
}

func TestReplayNodesOfOneVersionOnly(t *testing.T) {
	t.Parallel()
	l := exampleLookup(t)
	published := exampleFlow(t, l)
	// note: the draft sends small orders to a new node the published flow
	// lacks, so its count is 0 under the published version.
	raw := editedExample(t, `"default": "sales_director_approval"`, `"default": "quick_check"`)
	raw.Nodes = append(raw.Nodes, flows.Node{ID: "quick_check", Type: flows.TypeApproval, Title: "Quick check",
		Approval: &flows.Approval{Mode: flows.ModeSingle, Assignees: []flows.Assignee{{Type: flows.AssignRole, Value: "finance_director"}}},
		Next:     "route_discount"})
	raw.Nodes = removeNode(raw.Nodes, "sales_director_approval")
	draft := compileDraft(t, l, raw)
	rec := order(t, l, "1000", "0")
	r, err := flows.Replay(published, draft, []flows.ReplayCase{{Record: rec, Submitter: rep}}, newResolver())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, n := range r.Nodes {
		got[n.Node] = fmt.Sprintf("%d→%d %+d %s", n.Published, n.Draft, n.Delta, n.Title)
	}
	if got["quick_check"] != "0→1 +1 Quick check" || !strings.HasPrefix(got["sales_director_approval"], "1→0 -1 Sales director") {
		t.Errorf("nodes %v", got)
	}
	if r.Changed != 1 || !r.Items[0].Changed {
		t.Errorf("the record is not marked changed: %+v", r.Items)
	}
}

func removeNode(nodes []flows.Node, id string) []flows.Node {
	var out []flows.Node
	for _, n := range nodes {
		if n.ID != id {
			out = append(out, n)
		}
	}
	return out
}

func TestReplayStopsOnResolverFailure(t *testing.T) {
	t.Parallel()
	l := exampleLookup(t)
	c := exampleFlow(t, l)
	res := newResolver()
	res.err = errors.New("directory down")
	_, err := flows.Replay(c, c, []flows.ReplayCase{{Record: order(t, l, "1000", "0"), Submitter: rep}}, res)
	if err == nil || !strings.Contains(err.Error(), "directory down") {
		t.Errorf("err = %v, want the resolver's failure", err)
	}
}

func TestReplayOfNoRecords(t *testing.T) {
	t.Parallel()
	l := exampleLookup(t)
	c := exampleFlow(t, l)
	r, err := flows.Replay(c, c, nil, newResolver())
	if err != nil {
		t.Fatal(err)
	}
	if r.Records != 0 || r.Items == nil || r.Nodes == nil || r.Approvers == nil {
		t.Errorf("an empty replay must list nothing, not null: %+v", r)
	}
}
