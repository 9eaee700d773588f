package flows_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// readingResolver is a fakeResolver that also reads records, as the
// engine's does for a dry run.
type readingResolver struct {
	*fakeResolver
	records map[int64]forms.Record
}

func (r readingResolver) Record(c *forms.Compiled, id int64) (forms.Record, error) {
	rec, ok := r.records[id]
	if !ok {
		return nil, fmt.Errorf("%w: there is no %s record %d", store.ErrNotFound, c.Form.Key, id)
	}
	return rec, nil
}

var _ flows.RecordReader = readingResolver{}

// The example's payment confirmation adds the payment to what its order
// has received: the dry run shows the sum it would write.
func TestDryRunUpdateReadsItsTarget(t *testing.T) {
	t.Parallel()
	l := exampleLookup(t)
	cf := exampleFlowFile(t, l, "payment-confirmation.json")
	payment, err := l.forms["payment"].Validate(forms.Write{Actor: rep, Input: map[string]any{"sales_order": 5, "amount": "300.10"}})
	if err != nil {
		t.Fatal(err)
	}
	payment["id"], payment["number"], payment["created_by"] = int64(1), "PAY-202601-00001", int64(repID)
	received := func(p *flows.Path) string {
		for _, s := range p.Steps {
			for _, e := range s.Effects {
				if e.Action == flows.ActionUpdateRecord && e.Form == "order" && e.Record == 5 && len(e.Set) == 1 {
					return e.Set[0].String()
				}
			}
		}
		return "no update of order 5"
	}
	scenarios := []struct {
		name    string
		resolve flows.Resolver
		want    string
		stopped string
	}{
		{"the order as it is", readingResolver{newResolver(), map[int64]forms.Record{
			5: {"id": int64(5), "customer": int64(9), "received_amount": decimal.RequireFromString("1000.20")},
			9: {"id": int64(9), "receivables": decimal.RequireFromString("5000.00")}}}, "received_amount = 1300.30", ""},
		{"an order nothing was received for yet", readingResolver{newResolver(), map[int64]forms.Record{5: {"id": int64(5), "customer": int64(9)}, 9: {"id": int64(9)}}},
			"received_amount = 300.10", ""},
		// note: without the order, its customer (whose receivables the
		// payment lowers next) is unknown, and the dry run says so.
		{"a resolver that reads no records: an empty order", newResolver(), "received_amount = 300.10", "is not a record id"},
		{"an order that does not exist", readingResolver{newResolver(), nil}, "no update of order 5", "there is no order record 5"},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			p, err := cf.DryRun(payment, rep, sc.resolve)
			if err != nil {
				t.Fatal(err)
			}
			if got := received(p); got != sc.want {
				t.Errorf("effect %q, want %q", got, sc.want)
			}
			if sc.stopped == "" && p.Outcome != flows.OutcomeApproved {
				t.Errorf("outcome %q, stopped %q", p.Outcome, p.Stopped)
			}
			if sc.stopped != "" && !strings.Contains(p.Stopped, sc.stopped) {
				t.Errorf("stopped %q, want it to say %q", p.Stopped, sc.stopped)
			}
		})
	}
}
