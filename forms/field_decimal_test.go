package forms

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// The fast writer of stored decimals must say exactly what StringFixed says,
// for the values a column holds and for the ones it falls back on.
func TestFixedTextMatchesStringFixed(t *testing.T) {
	coefficients := []int64{0, 1, -1, 5, -5, 9, 10, 99, 100, -100, 12345, -12345, 10000000, 999999999999999999,
		-999999999999999999, math.MaxInt64, math.MinInt64 + 1, math.MinInt64}
	for _, scale := range []int32{0, 1, 2, 4, 6} {
		for _, c := range coefficients {
			for _, exp := range []int32{-scale, -scale - 1, -scale + 1, 0} {
				d := decimal.New(c, exp)
				if got, want := fixedText(d, scale), d.StringFixed(scale); got != want {
					t.Errorf("fixedText(%d e%d, %d) = %q, want %q", c, exp, scale, got, want)
				}
			}
		}
	}
}

func TestDecimalToJSONFromStoredValue(t *testing.T) {
	two := 2
	f := &Field{Key: "amount", Type: "money", Scale: &two}
	v, err := (decimalType{}).FromDB(f, int64(-705))
	if err != nil {
		t.Fatal(err)
	}
	if got := (decimalType{}).ToJSON(f, v); got != json.Number("-7.05") {
		t.Fatalf("ToJSON = %v, want -7.05", got)
	}
}

// What a field type appends is what its ToJSON gives, encoded.
func TestAppendedJSONIsToJSON(t *testing.T) {
	two, four := 2, 4
	day := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		typ FieldType
		f   *Field
		v   any
	}{
		{decimalType{name: "money"}, &Field{Key: "a", Type: "money", Scale: &two}, decimal.New(1234567, -2)},
		{decimalType{name: "percent"}, &Field{Key: "p", Type: "percent", Scale: &four}, decimal.New(-5, -4)},
		{decimalType{name: "decimal"}, &Field{Key: "d", Type: "decimal", Scale: &two}, decimal.RequireFromString("12.345")},
		{dateType{}, &Field{Key: "day", Type: "date"}, day},
		{formulaType{}, &Field{Key: "m", Type: "formula", Result: "money", Scale: &two}, decimal.New(-99, -2)},
		{formulaType{}, &Field{Key: "t", Type: "formula", Result: "text"}, `a "quoted" <text>`},
	}
	for _, c := range cases {
		want, err := json.Marshal(c.typ.ToJSON(c.f, c.v))
		if err != nil {
			t.Fatal(err)
		}
		if got := appendFieldJSON([]byte("x"), c.typ, c.f, c.v); string(got) != "x"+string(want) {
			t.Errorf("%s: appended %s, want x%s", c.f.Key, got, want)
		}
	}
}
