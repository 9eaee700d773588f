package portal_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/portal"
)

func day(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }

// tracker is an order tracker in the example's shape, written out here so
// the test reads on its own.
var tracker = portal.Tracked{Form: "order", CustomerField: "customer", NumberField: "number", Stages: []portal.Stage{
	{Key: "submitted", When: portal.When{Type: portal.WhenCreated}},
	{Key: "approved", When: portal.When{Type: portal.WhenFlow, Flow: "order_approval", Outcome: "approved"}},
	{Key: "signed", When: portal.When{Type: portal.WhenSigned, Form: "contract", Link: "sales_order"}},
	{Key: "paid", When: portal.When{Type: portal.WhenSum, Form: "payment", Link: "sales_order", Field: "amount", Reaches: "amount",
		DateField: "received_on", Where: &portal.Where{Field: "status", In: []string{"confirmed"}}}},
	{Key: "delivering", When: portal.When{Type: portal.WhenRelated, Form: "project", Link: "sales_order", DateField: "started_on",
		Where: &portal.Where{Field: "status", In: []string{"in_progress", "done"}}}},
	{Key: "delivered", When: portal.When{Type: portal.WhenRelated, Form: "project", Link: "sales_order", DateField: "finished_on",
		Where: &portal.Where{Field: "status", In: []string{"done"}}}},
}}

var (
	contracts = portal.Relation{Form: "contract", Link: "sales_order"}
	payments  = portal.Relation{Form: "payment", Link: "sales_order"}
	projects  = portal.Relation{Form: "project", Link: "sales_order"}
)

func pay(id int64, amount string, status string, on time.Time) forms.Record {
	return forms.Record{"id": id, "amount": decimal.RequireFromString(amount), "status": status, "received_on": on}
}

func reached(states []portal.StageState) map[string]string {
	out := map[string]string{}
	for _, s := range states {
		if s.Reached {
			out[s.Key] = ""
			if s.At != nil {
				out[s.Key] = s.At.Format("01-02")
			}
		}
	}
	return out
}

func TestStagesFollowTheRelationGraphAndFlows(t *testing.T) {
	order := forms.Record{"id": int64(7), "created_at": day(1).Add(9 * time.Hour), "amount": decimal.RequireFromString("150000")}
	cases := []struct {
		name  string
		facts portal.Facts
		want  map[string]string
		cur   int
	}{
		{"only created", portal.Facts{Record: order}, map[string]string{"submitted": "03-01"}, 0},
		{"a rejected approval is not approved", portal.Facts{Record: order,
			Flows: []portal.FlowEnd{{Flow: "order_approval", Outcome: "rejected", At: day(2)}}}, map[string]string{"submitted": "03-01"}, 0},
		{"approved on the day the flow ended", portal.Facts{Record: order,
			Flows: []portal.FlowEnd{{Flow: "order_approval", Outcome: "rejected", At: day(2)}, {Flow: "order_approval", Outcome: "approved", At: day(4)}}},
			map[string]string{"submitted": "03-01", "approved": "03-04"}, 1},
		{"a contract without a signature is not signed", portal.Facts{Record: order,
			Related: map[portal.Relation][]forms.Record{contracts: {{"id": int64(3)}}},
			Signed:  map[string]map[int64]time.Time{"contract": {99: day(5)}}},
			map[string]string{"submitted": "03-01"}, 0},
		{"signed when the related contract was accepted", portal.Facts{Record: order,
			Related: map[portal.Relation][]forms.Record{contracts: {{"id": int64(3)}}},
			Signed:  map[string]map[int64]time.Time{"contract": {3: day(6)}}},
			map[string]string{"submitted": "03-01", "signed": "03-06"}, 2},
		{"paid when confirmed payments reach the amount, dated by the one that crossed", portal.Facts{Record: order,
			Related: map[portal.Relation][]forms.Record{payments: {
				pay(2, "100000", "confirmed", day(20)), pay(1, "50000", "confirmed", day(10)), pay(3, "1000000", "rejected", day(8))}}},
			map[string]string{"submitted": "03-01", "paid": "03-20"}, 3},
		{"part paid is not paid", portal.Facts{Record: order,
			Related: map[portal.Relation][]forms.Record{payments: {pay(1, "149999.99", "confirmed", day(10))}}},
			map[string]string{"submitted": "03-01"}, 0},
		{"delivering and delivered from the project's status", portal.Facts{Record: order,
			Related: map[portal.Relation][]forms.Record{projects: {{"id": int64(1), "status": "done", "started_on": day(11), "finished_on": day(28)}}}},
			map[string]string{"submitted": "03-01", "delivering": "03-11", "delivered": "03-28"}, 5},
		{"a planned project is not delivering", portal.Facts{Record: order,
			Related: map[portal.Relation][]forms.Record{projects: {{"id": int64(1), "status": "planned", "started_on": day(11)}}}},
			map[string]string{"submitted": "03-01"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			states := tracker.Evaluate(c.facts)
			got := reached(states)
			if len(got) != len(c.want) {
				t.Fatalf("reached %v, want %v", got, c.want)
			}
			for k, v := range c.want {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("stage %s: got %q (reached %v), want %q", k, g, ok, v)
				}
			}
			if cur := portal.Current(states); cur != c.cur {
				t.Errorf("current = %d, want %d", cur, c.cur)
			}
		})
	}
}

func TestSumOfNothingOwedIsNeverReached(t *testing.T) {
	facts := portal.Facts{Record: forms.Record{"id": int64(1), "amount": decimal.Zero},
		Related: map[portal.Relation][]forms.Record{payments: {pay(1, "10", "confirmed", day(3))}}}
	if s := tracker.Evaluate(facts)[3]; s.Reached {
		t.Fatalf("paid reached on an order of 0: %+v", s)
	}
}

func TestRelationsListsEachRelationOnce(t *testing.T) {
	tr := tracker
	tr.Documents = []portal.Document{{Form: "contract", Link: "sales_order", Field: "attachments"}, {Form: "order", Field: "attachments"}}
	got := tr.Relations()
	want := []portal.Relation{contracts, payments, projects}
	if len(got) != len(want) {
		t.Fatalf("relations = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("relations[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}
