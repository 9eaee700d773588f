package reports_test

import (
	"testing"

	"github.com/mosaic-lowcode/mosaic/reports"
)

func TestDescribeSaysWhatTheViewerMayNotRead(t *testing.T) {
	t.Parallel()
	c := compile(t, `{"kind": "report", "key": "margins", "title": "Margins", "source": "order",
		"params": [{"key": "from", "type": "date", "default": "2026-01-01"}, {"key": "regions", "type": "text", "multiple": true}],
		"filter": "order_date >= params.from", "dimensions": [{"key": "region", "field": "customer.region"}],
		"measures": [{"key": "margin", "agg": "sum", "field": "margin"}], "drill": [{"key": "month", "field": "order_date", "bucket": "month"}]}`)
	admin := reports.Viewer{Access: reports.FullAccess()}
	d, err := reports.Describe(c, admin)
	if err != nil {
		t.Fatal(err)
	}
	if d.Forbidden != nil || len(d.Columns) != 2 || d.Columns[1].Key != "margin" || len(d.Drill) != 1 || d.Drill[0].Bucket != "month" ||
		asJSON(t, d.Params) != `[{"key":"from","label":"from","type":"date","multiple":false,"default":"2026-01-01"},{"key":"regions","label":"regions","type":"text","multiple":true,"default":[]}]` {
		t.Errorf("the admin's description %s", asJSON(t, d))
	}
	s, err := reports.Summarize(c, salesRep(1, false))
	if err != nil {
		t.Fatal(err)
	}
	if s.Forbidden == nil || s.Forbidden.Field != "margin" || !s.SourceReadable() {
		t.Errorf("a rep's summary: %s, want margin forbidden, the source readable", asJSON(t, s))
	}
	s, err = reports.Summarize(c, reports.Viewer{Access: accessMap{}})
	if err != nil || s.SourceReadable() || s.Forbidden.Form != "order" {
		t.Errorf("an outsider's summary: %s, %v", asJSON(t, s), err)
	}
}
