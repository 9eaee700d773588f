package forms_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// FuzzRecordDecode feeds arbitrary JSON bodies to the record decoder (the
// validation that turns a request body into a typed record), on a form with
// a field of every kind. The only acceptable outcomes are a record or a
// *ProblemList whose problems each name a path; any other error or a panic
// fails, since either would reach a client as a 500.
func FuzzRecordDecode(f *testing.F) {
	for _, s := range []string{`{}`, `{"name":"Acme","qty":5,"amount":"100000.00","tags":["vip"]}`,
		`{"qty":"5","amount":1e400,"due":"2026-02-30","closed_at":"yesterday","active":"yes"}`,
		`{"tags":[["vip"]],"customer":{"id":1},"contacts":[-1,0,9223372036854775808],"files":[{"id":""}]}`,
		`{"name":"\u0000","email":"a@@b","rate":"-0.0000000001","stage":"nope","owner":7,"id":1}`,
		`{"amount":"0x10","qty":1.5,"rate":"NaN","due":null,"closed_at":12}`} {
		f.Add(s)
	}
	c := compileFilterForm(f)
	f.Fuzz(func(t *testing.T, body string) {
		dec := json.NewDecoder(bytes.NewReader([]byte(body)))
		dec.UseNumber()
		var in map[string]any
		if dec.Decode(&in) != nil || in == nil {
			return // note: the API refuses a body that is not a JSON object before decoding it
		}
		for _, prev := range []forms.Record{nil, {"id": int64(1), "name": "Old"}} {
			rec, err := c.Validate(forms.Write{Input: in, Prev: prev, Actor: filterActor})
			if err == nil {
				if rec == nil {
					t.Fatalf("%s: no record and no error", body)
				}
				continue
			}
			pl, ok := forms.AsProblems(err)
			if !ok {
				t.Fatalf("%s: %v is not a list of problems", body, err)
			}
			for _, p := range pl.Problems {
				if p.Message == "" {
					t.Fatalf("%s: problem %+v says nothing", body, p)
				}
			}
		}
	})
}
