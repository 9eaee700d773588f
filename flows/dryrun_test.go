package flows_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// People of the fake organisation the dry runs resolve assignees in.
const (
	adminID          = 1
	repID            = 7
	salesDirectorID  = 11
	financeDirector  = 21
	generalManagerID = 31
)

// fakeResolver resolves assignees without a database: roles and managers from
// maps, users by e-mail.
type fakeResolver struct {
	roles    map[string][]int64
	managers map[int64][]int64 // user → their managers, level 1 first
	users    map[string]int64
	calls    []flows.Assignee
	err      error
}

func newResolver() *fakeResolver {
	return &fakeResolver{
		roles: map[string][]int64{"sales_director": {salesDirectorID}, "finance_director": {financeDirector},
			"admin": {adminID}},
		managers: map[int64][]int64{repID: {salesDirectorID, generalManagerID}},
		users:    map[string]int64{"ops@example.com": 41},
	}
}

func (r *fakeResolver) Users(a flows.Assignee, _ forms.Record, submitter forms.Actor) ([]int64, error) {
	r.calls = append(r.calls, a)
	if r.err != nil {
		return nil, r.err
	}
	switch a.Type {
	case flows.AssignRole:
		return r.roles[a.Value], nil
	case flows.AssignManager:
		levels := max(a.Levels, 1)
		if chain := r.managers[submitter.ID]; len(chain) >= levels {
			return []int64{chain[levels-1]}, nil
		}
	case flows.AssignUser:
		if id, ok := r.users[a.Value]; ok {
			return []int64{id}, nil
		}
	}
	return nil, nil
}

var rep = forms.Actor{ID: repID, Email: "rep@example.com", Name: "Sales rep"}

// order makes an order record through the form's validation, as the engine
// stores it: formulas computed, defaults applied.
func order(t *testing.T, l *lookup, unitPrice, discount string) forms.Record {
	t.Helper()
	rec, err := l.forms["order"].Validate(forms.Write{Actor: rep, Input: map[string]any{
		"customer":  1,
		"sales_rep": repID,
		"items":     []any{map[string]any{"product": 1, "qty": 1, "unit_price": unitPrice}},
		"discount":  discount,
	}})
	if err != nil {
		t.Fatalf("order: %v", err)
	}
	rec["id"], rec["number"] = int64(1), "SO-202601-00001"
	return rec
}

func TestDryRunExampleGolden(t *testing.T) {
	t.Parallel()
	l := exampleLookup(t)
	c := exampleFlow(t, l)
	type run struct {
		Order string      `json:"order"`
		Path  *flows.Path `json:"path"`
	}
	var runs []run
	for _, o := range []struct{ name, price, discount string }{
		{"amount 50,000", "50000", "0"},
		{"amount 150,000, discount 10%", "166666.67", "0.1"},
		{"amount 150,000, discount 25%", "200000", "0.25"},
	} {
		path, err := c.DryRun(order(t, l, o.price, o.discount), rep, newResolver())
		if err != nil {
			t.Fatalf("%s: DryRun: %v", o.name, err)
		}
		runs = append(runs, run{Order: o.name, Path: path})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(runs); err != nil {
		t.Fatal(err)
	}
	golden(t, "order-approval.dryrun.json", buf.Bytes())
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the dry run gives; run with -update and review the diff.\ngot:\n%s", path, got)
	}
}

// nodes lists the node ids of a path's steps.
func nodes(p *flows.Path) []string {
	var ids []string
	for _, s := range p.Steps {
		ids = append(ids, s.Node)
	}
	return ids
}

func TestDryRunExamplePaths(t *testing.T) {
	t.Parallel()
	l := exampleLookup(t)
	c := exampleFlow(t, l)
	scenarios := []struct {
		name, price, discount string
		wantNodes             []string
		wantStatus            string
	}{
		{"small order goes to the sales director alone", "50000", "0",
			[]string{"start", "route_amount", "sales_director_approval", "route_discount", "mark_approved", "approved"}, "approved"},
		{"large order is countersigned", "166666.67", "0.1",
			[]string{"start", "route_amount", "countersign", "sales_director_sign", "finance_director_sign", "directors_done", "route_discount", "mark_approved", "approved"}, "approved"},
		{"large discount adds the general manager", "200000", "0.25",
			[]string{"start", "route_amount", "countersign", "sales_director_sign", "finance_director_sign", "directors_done", "route_discount", "general_manager_approval", "mark_approved", "approved"}, "approved"},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			p, err := c.DryRun(order(t, l, sc.price, sc.discount), rep, newResolver())
			if err != nil {
				t.Fatalf("DryRun: %v", err)
			}
			if got := nodes(p); !slices.Equal(got, sc.wantNodes) {
				t.Errorf("path %q, want %q", got, sc.wantNodes)
			}
			if p.Outcome != flows.OutcomeApproved || p.Stopped != "" {
				t.Errorf("outcome %q, stopped %q", p.Outcome, p.Stopped)
			}
			last := p.Steps[len(p.Steps)-2] // mark_approved
			if len(last.Effects) == 0 || last.Effects[0].Set[0].String() != `status = "approved"` {
				t.Errorf("mark_approved effects %+v", last.Effects)
			}
		})
	}
}

func TestDryRunDoesNotChangeTheRecord(t *testing.T) {
	t.Parallel()
	l := exampleLookup(t)
	rec := order(t, l, "50000", "0")
	if _, err := exampleFlow(t, l).DryRun(rec, rep, newResolver()); err != nil {
		t.Fatal(err)
	}
	if rec["status"] != "draft" {
		t.Errorf("status is %v after a dry run", rec["status"])
	}
}

func TestDryRunLeavesOutTheSubmitter(t *testing.T) {
	t.Parallel()
	l := exampleLookup(t)
	c := exampleFlow(t, l)
	director := forms.Actor{ID: salesDirectorID, Email: "director@example.com"}
	p, err := c.DryRun(order(t, l, "50000", "0"), director, newResolver())
	if err != nil {
		t.Fatal(err)
	}
	step := p.Steps[2]
	if step.Node != "sales_director_approval" || !step.SelfApprovalRemoved || !step.Fallback || !slices.Equal(step.Assignees, []int64{adminID}) {
		t.Errorf("self-approval: %+v", step)
	}

	var f flows.Flow = *c.Flow
	f.AllowSelfApproval = true
	allowed, err := flows.Compile(&f, 2, l, l)
	if err != nil {
		t.Fatal(err)
	}
	p, err = allowed.DryRun(order(t, l, "50000", "0"), director, newResolver())
	if err != nil {
		t.Fatal(err)
	}
	if step := p.Steps[2]; step.SelfApprovalRemoved || step.Fallback || !slices.Equal(step.Assignees, []int64{salesDirectorID}) {
		t.Errorf("allowed self-approval: %+v", step)
	}
}

func TestDryRunFallback(t *testing.T) {
	t.Parallel()
	l := exampleLookup(t)
	c := exampleFlow(t, l)
	nobody := forms.Actor{ID: 99} // no managers
	p, err := c.DryRun(order(t, l, "200000", "0.25"), nobody, newResolver())
	if err != nil {
		t.Fatal(err)
	}
	gm := p.Steps[7]
	if gm.Node != "general_manager_approval" || !gm.Fallback || gm.SelfApprovalRemoved || !slices.Equal(gm.Assignees, []int64{adminID}) {
		t.Errorf("admins as fallback: %+v", gm)
	}

	var f flows.Flow = *c.Flow
	f.FallbackAssignee = "ops@example.com"
	withFallback, err := flows.Compile(&f, 2, l, l)
	if err != nil {
		t.Fatal(err)
	}
	if p, err = withFallback.DryRun(order(t, l, "200000", "0.25"), nobody, newResolver()); err != nil {
		t.Fatal(err)
	}
	if gm := p.Steps[7]; !gm.Fallback || !slices.Equal(gm.Assignees, []int64{41}) {
		t.Errorf("fallback assignee: %+v", gm)
	}

	empty := newResolver()
	delete(empty.roles, "admin")
	if p, err = c.DryRun(order(t, l, "200000", "0.25"), nobody, empty); err != nil {
		t.Fatal(err)
	}
	if gm := p.Steps[7]; !gm.Fallback || len(gm.Assignees) != 0 || gm.Warning == "" {
		t.Errorf("nobody at all must be flagged: %+v", gm)
	}
}

func TestDryRunResolverError(t *testing.T) {
	t.Parallel()
	l := exampleLookup(t)
	r := newResolver()
	r.err = errors.New("database is down")
	_, err := exampleFlow(t, l).DryRun(order(t, l, "50000", "0"), rep, r)
	if !errors.Is(err, r.err) {
		t.Errorf("error %v, want the resolver's", err)
	}
}

func TestDryRunScenarios(t *testing.T) {
	t.Parallel()
	l := exampleLookup(t)
	scenarios := []struct {
		name  string
		price string // the order's amount, without discount
		edit  func(f *flows.Flow)
		check func(t *testing.T, p *flows.Path)
	}{
		{"countersign waits for both", "150000", func(*flows.Flow) {}, func(t *testing.T, p *flows.Path) {
			wantNodes(t, p, "start", "check", "both", "sales", "finance", "done", "mark", "ok")
		}},
		{"a join of mode any goes on after the first path", "150000", func(f *flows.Flow) {
			node(f, 5).Join = "any"
			node(f, 3).Next = "extra"
			f.Nodes = append(f.Nodes, flows.Node{ID: "extra", Type: "approval", Next: "done",
				Approval: &flows.Approval{Mode: "single", Assignees: []flows.Assignee{{Type: "role", Value: "admin"}}}})
		}, func(t *testing.T, p *flows.Path) {
			// note: both tasks exist until the first decision; the path
			// through "extra" is cancelled when finance arrives first.
			wantNodes(t, p, "start", "check", "both", "sales", "finance", "extra", "done", "mark", "ok")
		}},
		{"a join of mode n", "150000", func(f *flows.Flow) { node(f, 5).Join, node(f, 5).N = "n", 2 }, func(t *testing.T, p *flows.Path) {
			wantNodes(t, p, "start", "check", "both", "sales", "finance", "done", "mark", "ok")
		}},
		{"a branch reads earlier decisions", "50000", func(f *flows.Flow) {
			node(f, 6).Next = "after"
			f.Nodes = append(f.Nodes, flows.Node{ID: "after", Type: "branch", Default: "reject_it",
				Branches: []flows.Branch{{When: `discount > 0.3`, Next: "reject_it"}, {When: `decisions.director == "approved" && submitter.id == sales_rep`, Next: "mark"}}})
		}, func(t *testing.T, p *flows.Path) {
			wantNodes(t, p, "start", "check", "director", "after", "mark", "ok")
			got := valueWords(p.Steps[3].Values)
			want := []string{"discount = 0.0000", `decisions.director = "approved"`, "submitter.id = 7", "sales_rep = 7"}
			if !slices.Equal(got, want) {
				t.Errorf("values %q, want %q", got, want)
			}
		}},
		{"expression assignees are merged and leave out the submitter", "50000", func(f *flows.Flow) {
			approval(f, 6).Assignees = []flows.Assignee{{Type: "expression", Value: "[sales_rep, 11, 11]"}, {Type: "role", Value: "sales_director"}}
		}, func(t *testing.T, p *flows.Path) {
			if s := p.Steps[2]; !slices.Equal(s.Assignees, []int64{salesDirectorID}) || !s.SelfApprovalRemoved || s.Fallback {
				t.Errorf("step %+v", s)
			}
		}},
		{"a cc notifies even the submitter", "50000", func(f *flows.Flow) {
			n := node(f, 6)
			n.Type, n.Approval = "cc", &flows.Approval{Assignees: []flows.Assignee{{Type: "field", Value: "sales_rep"}}}
		}, func(t *testing.T, p *flows.Path) {
			if s := p.Steps[2]; s.Type != "cc" || !slices.Equal(s.Assignees, []int64{repID}) || s.SelfApprovalRemoved {
				t.Errorf("step %+v", s)
			}
		}},
		{"actions show what they would write", "50000", func(f *flows.Flow) {
			node(f, 7).Actions = append(node(f, 7).Actions,
				flows.Action{Type: "create_record", Form: "customer", Set: map[string]string{"name": `"Order " + string(id)`, "region": `"east"`}},
				flows.Action{Type: "update_record", Form: "customer", Record: "customer", Set: map[string]string{"notes": `"ordered " + string(amount)`}},
				flows.Action{Type: "notify", To: []flows.Assignee{{Type: "manager", Levels: 2}}, Message: "{{number}}: {{amount}} by {{submitter.email}}"},
				flows.Action{Type: "webhook", URL: "https://erp.example.com/orders"})
		}, func(t *testing.T, p *flows.Path) {
			effects, _ := json.Marshal(p.Steps[3].Effects)
			want := `[{"action":"set_fields","set":[{"name":"status","value":"approved"}]},` +
				`{"action":"create_record","form":"customer","set":[{"name":"name","value":"Order 1"},{"name":"region","value":"east"}]},` +
				`{"action":"update_record","form":"customer","record":1,"set":[{"name":"notes","value":"ordered 50000"}]},` +
				`{"action":"notify","to":[31],"message":"SO-202601-00001: 50000.00 by rep@example.com"},` +
				`{"action":"webhook","url":"https://erp.example.com/orders"}]`
			if string(effects) != want {
				t.Errorf("effects\n%s\nwant\n%s", effects, want)
			}
		}},
		{"a set_fields action changes what later conditions read", "50000", func(f *flows.Flow) {
			node(f, 6).Next = "raise"
			f.Nodes = append(f.Nodes,
				flows.Node{ID: "raise", Type: "action", Next: "after", Actions: []flows.Action{{Type: "set_fields", Set: map[string]string{"discount": "0.25"}}}},
				flows.Node{ID: "after", Type: "branch", Default: "mark", Branches: []flows.Branch{{When: "amount < 40000", Next: "reject_it"}}})
		}, func(t *testing.T, p *flows.Path) {
			wantNodes(t, p, "start", "check", "director", "raise", "after", "reject_it", "no")
			if got := valueWords(p.Steps[4].Values); !slices.Equal(got, []string{"amount = 37500.00"}) {
				t.Errorf("after the discount: %q", got)
			}
			if p.Outcome != flows.OutcomeRejected {
				t.Errorf("outcome %q", p.Outcome)
			}
		}},
		{"waits and subflows are described", "50000", func(f *flows.Flow) {
			node(f, 6).Next = "pause"
			f.Nodes = append(f.Nodes,
				flows.Node{ID: "pause", Type: "wait", Wait: &flows.Wait{Duration: "2d"}, Next: "sub"},
				flows.Node{ID: "sub", Type: "subflow", Subflow: &flows.Subflow{Flow: "customer_check", Record: "customer"}, Next: "mark"})
		}, func(t *testing.T, p *flows.Path) {
			wantNodes(t, p, "start", "check", "director", "pause", "sub", "mark", "ok")
			if p.Steps[3].Detail != "waits 2d" || p.Steps[4].Detail != "starts flow customer_check on record 1 and waits for it" {
				t.Errorf("details %q, %q", p.Steps[3].Detail, p.Steps[4].Detail)
			}
		}},
		{"a loop on the record stops at the bound", "50000", func(f *flows.Flow) {
			node(f, 1).Branches = append([]flows.Branch{{When: "amount > 0", Next: "again"}}, node(f, 1).Branches...)
			f.Nodes = append(f.Nodes, flows.Node{ID: "again", Type: "action", Next: "check",
				Actions: []flows.Action{{Type: "set_fields", Set: map[string]string{"notes": `"again"`}}}})
		}, func(t *testing.T, p *flows.Path) {
			if len(p.Steps) != flows.MaxDryRunSteps || p.Outcome != "" || p.Stopped == "" {
				t.Errorf("%d steps, outcome %q, stopped %q", len(p.Steps), p.Outcome, p.Stopped)
			}
		}},
		{"a condition that fails on the record stops the run", "50000", func(f *flows.Flow) {
			node(f, 1).Branches[0].When = "items[5].qty > 1"
		}, func(t *testing.T, p *flows.Path) {
			last := p.Steps[len(p.Steps)-1]
			if last.Node != "check" || last.Error == "" || p.Stopped == "" || p.Outcome != "" {
				t.Errorf("last step %+v, stopped %q", last, p.Stopped)
			}
		}},
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
			p, err := c.DryRun(order(t, l, sc.price, "0"), rep, newResolver())
			if err != nil {
				t.Fatalf("DryRun: %v", err)
			}
			sc.check(t, p)
		})
	}
}

func wantNodes(t *testing.T, p *flows.Path, want ...string) {
	t.Helper()
	if got := nodes(p); !slices.Equal(got, want) {
		t.Errorf("path %q, want %q (stopped: %q)", got, want, p.Stopped)
	}
}

func valueWords(vs []flows.Value) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.String())
	}
	return out
}
