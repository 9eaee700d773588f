package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// A flow on quotes can run the order's conversion as an action: the order
// it creates copies the quote's customer and lines and names the quote. A
// convert action naming a conversion that does not exist, or one of
// another form's records, is refused at publish with its pointer.
func TestConvertAsFlowAction(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		key := w.publishFlow(t, "quote", "", `[{"id": "start", "type": "start", "next": "convert"},
			{"id": "convert", "type": "action", "actions": [{"type": "convert", "form": "order", "conversion": "from_quote"}], "next": "done"},
			{"id": "done", "type": "end"}]`)
		lead := w.create(t, w.rep, "lead", `{"company": "杭州云帆科技", "region": "east"}`)
		quote := w.create(t, w.rep, "quote", fmt.Sprintf(`{"lead": %d, "customer": %d, "status": "accepted",
			"items": [{"product": %d, "qty": 2, "unit_price": "1200.00"}]}`, lead, w.customer, w.product))
		v := w.submit(t, w.rep, "quote", quote, key)
		wantState(t, w.instance(t, v.ID), store.FlowApproved)

		var page struct {
			Items []map[string]json.RawMessage `json:"items"`
		}
		app.Expect(t, 200, "GET", "/api/v1/forms/order/records?filter="+url.QueryEscape(fmt.Sprintf("quote == %d", quote)), "", nil).JSON(t, &page)
		if len(page.Items) != 1 {
			t.Fatalf("%d orders from quote %d, want 1", len(page.Items), quote)
		}
		o := page.Items[0]
		if text(o["customer"]) != fmt.Sprint(w.customer) || text(o["amount"]) != "2400.00" || text(o["owner"]) != fmt.Sprint(w.rep.ID) {
			t.Errorf("the converted order: customer %s, amount %s, owner %s", o["customer"], o["amount"], o["owner"])
		}

		for _, c := range []struct{ action, path string }{
			{`{"type": "convert", "form": "order", "conversion": "nope"}`, "/conversion"},
			{`{"type": "convert", "form": "contract", "conversion": "from_quote"}`, "/conversion"},
			{`{"type": "convert", "form": "order"}`, "/conversion"},
		} {
			body := fmt.Sprintf(`{"kind": "flow", "key": "bad_convert", "title": "Bad", "form": "quote", "triggers": [{"on": "submit"}],
				"nodes": [{"id": "start", "type": "start", "next": "a"}, {"id": "a", "type": "action", "actions": [%s], "next": "done"}, {"id": "done", "type": "end"}]}`, c.action)
			_, err := app.Engine.Import(context.Background(), [][]byte{[]byte(body)}, engine.PublishOptions{}, forms.Actor{})
			pl, ok := forms.AsProblems(err)
			if !ok || len(pl.Problems) == 0 || !strings.HasSuffix(pl.Problems[0].Path, "/nodes/1/actions/0"+c.path) {
				t.Errorf("%s: %v", c.action, err)
			}
		}
	})
}
