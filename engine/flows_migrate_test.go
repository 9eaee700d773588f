package engine_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/store"
)

// An order waiting for its sales director is moved to version 2 of the
// order approval, which asks the general manager from a 10% discount on
// (version 1: above 20%). After the director approves, the order goes on by
// version 2's rule.
func TestMigrateOrderToNewVersion(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		running := w.submit(t, w.rep, "order", w.order(t, "60000.00", "0.15"), "order_approval")
		if running.FlowVersion != 1 {
			t.Fatalf("started on v%d", running.FlowVersion)
		}

		raw, err := os.ReadFile(filepath.Join(enginetest.ExampleDir(), "flows", "order-approval.json"))
		if err != nil {
			t.Fatal(err)
		}
		changed := strings.Replace(string(raw), `"discount > 0.2"`, `"discount > 0.1"`, 1)
		if changed == string(raw) {
			t.Fatal("the example's discount rule is not where this test expects it")
		}
		if r := app.Do(t, "POST", "/api/v1/definitions", changed, nil); r.Status >= 300 {
			t.Fatalf("save draft: %d %s", r.Status, r.Body)
		}
		app.Expect(t, 200, "POST", "/api/v1/definitions/flow/order_approval/publish", `{"note": "GM from 10%"}`, nil)

		url := "/api/v1/flows/order_approval/migrate"
		body := func(dry bool) string {
			return fmt.Sprintf(`{"instances": [%d], "to_version": 2, "dry_run": %v, "comment": "new discount rule"}`, running.ID, dry)
		}
		app.Expect(t, 403, "POST", url, body(false), w.sd.Headers())

		var dry flows.MigrationReport
		app.Expect(t, 200, "POST", url, body(true), nil).JSON(t, &dry)
		if !dry.Ready || len(dry.Instances) != 1 || fmt.Sprint(dry.Instances[0].Paths) != "[{sales_director_approval sales_director_approval pending false}]" {
			t.Errorf("dry run %+v", dry)
		}
		if v := w.instance(t, running.ID); v.FlowVersion != 1 || len(v.Steps) != len(running.Steps) {
			t.Fatalf("the dry run wrote: v%d, %d steps (was %d)", v.FlowVersion, len(v.Steps), len(running.Steps))
		}

		app.Expect(t, 200, "POST", url, body(false), nil)
		moved := w.instance(t, running.ID)
		last := moved.Steps[len(moved.Steps)-1]
		var data struct {
			From    int               `json:"from_version"`
			To      int               `json:"to_version"`
			Mapping map[string]string `json:"mapping"`
			Kept    []int64           `json:"tasks_kept"`
		}
		if err := json.Unmarshal(last.Data, &data); err != nil {
			t.Fatal(err)
		}
		if moved.FlowVersion != 2 || last.Kind != flows.StepMigrated || last.Comment != "new discount rule" || last.Actor == nil ||
			data.From != 1 || data.To != 2 || data.Mapping["sales_director_approval"] != "sales_director_approval" || len(data.Kept) != 1 {
			t.Fatalf("after the move: v%d, last step %s %q by %v: %s", moved.FlowVersion, last.Kind, last.Comment, last.Actor, last.Data)
		}

		w.approve(t, w.sd, running.ID)
		w.approve(t, w.gm, running.ID)
		wantState(t, w.instance(t, running.ID), store.FlowApproved)

		r := app.Do(t, "POST", url, body(false), nil)
		if r.Status != 422 || !strings.Contains(r.Body, `"path":"/instances/0"`) || !strings.Contains(r.Body, "ended") {
			t.Errorf("moving a finished instance: %d %s", r.Status, r.Body)
		}
	})
}
