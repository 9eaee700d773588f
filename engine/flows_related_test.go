package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

func TestFlowsReadLinkedRecords(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		key := w.publishFlow(t, "order", "", `[{"id": "start", "type": "start", "next": "route"},
			{"id": "route", "type": "branch", "branches": [{"when": "related.customer.level == \"A\"", "next": "key"}], "default": "done"},
			{"id": "key", "type": "action", "actions": [{"type": "set_fields", "set": {"notes": "\"key account in \" + related.customer.region"}}], "next": "done"},
			{"id": "done", "type": "end"}]`)
		app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/forms/customer/records/%d", w.customer), `{"level": "A"}`, nil)
		order := w.order(t, "100.00", "0")
		v := w.instance(t, w.submit(t, w.rep, "order", order, key).ID)
		wantState(t, v, store.FlowApproved)
		if got := w.record(t, "order", order)["notes"]; got != "key account in east" {
			t.Errorf("notes %v; steps %s", got, stepWords(v))
		}
		if !strings.Contains(stepWords(v), `related.customer.level`) {
			t.Errorf("the routing step does not show what it read: %s", stepWords(v))
		}

		t.Run("a mistake in a linked record's field is found at publish, with its place", func(t *testing.T) {
			body := `{"kind": "flow", "key": "bad_related", "title": "Bad", "form": "order", "triggers": [{"on": "submit"}],
				"nodes": [{"id": "start", "type": "start", "next": "route"},
					{"id": "route", "type": "branch", "branches": [{"when": "related.customer.levle == \"A\"", "next": "done"}], "default": "done"},
					{"id": "done", "type": "end"}]}`
			_, err := app.Engine.Import(context.Background(), [][]byte{[]byte(body)}, engine.PublishOptions{}, forms.Actor{})
			var pl *forms.ProblemList
			if !errors.As(err, &pl) || len(pl.Problems) != 1 || pl.Problems[0].Path != "/flow/bad_related/nodes/1/branches/0/when" || pl.Problems[0].Column == 0 {
				t.Fatalf("got %v", err)
			}
		})
	})
}
