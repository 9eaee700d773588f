package forms_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// TestMarshalRecordMatchesEncodingJSON pins the fast encoder to what
// encoding/json makes of the same record.
func TestMarshalRecordMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	c := compileJSON(t, orderForm, 1)
	rec, err := c.Validate(writeOf(t, `{"title":"<b>\"Q\" & \\ é\u2028中\t!","tags":["a"],"due":"2026-01-02",
		"lines":[{"qty":2,"price":"1.50"}],"email":"a@b.co","discount":0.25}`))
	if err != nil {
		t.Fatal(err)
	}
	rec["id"], rec["row_version"] = int64(7), int64(2)
	fast := c.MarshalRecord(rec, nil, nil, map[string]any{"customer": map[string]any{"id": 1}})
	slow, _ := json.Marshal(withExpand(c.JSON(rec, nil), map[string]any{"customer": map[string]any{"id": 1}}))
	var a, b any
	if err := json.Unmarshal(fast, &a); err != nil {
		t.Fatalf("fast output is not JSON: %v\n%s", err, fast)
	}
	_ = json.Unmarshal(slow, &b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("fast and encoding/json differ:\n%s\n%s", fast, slow)
	}
	only := map[string]bool{"title": true}
	fast = c.MarshalRecord(rec, nil, only, nil)
	if string(fast) != `{"id":7,"title":"\u003cb\u003e\"Q\" \u0026 \\ é\u2028中\t!"}` {
		t.Errorf("field selection: %s", fast)
	}
}

func withExpand(m map[string]any, e map[string]any) map[string]any {
	m["expand"] = e
	return m
}

func writeOf(t *testing.T, input string) forms.Write {
	return forms.Write{Input: decodeInput(t, input)}
}
