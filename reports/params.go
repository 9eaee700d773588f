package reports

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// Parameter types.
const (
	ParamText     = "text"
	ParamInteger  = "integer"
	ParamNumber   = "number"
	ParamDate     = "date"
	ParamDatetime = "datetime"
	ParamBoolean  = "boolean"
)

// ParamTypes lists the parameter types.
var ParamTypes = []string{ParamText, ParamInteger, ParamNumber, ParamDate, ParamDatetime, ParamBoolean}

// maxParams bounds a report's parameters.
const maxParams = 30

// cparam is a compiled parameter with its default, converted.
type cparam struct {
	Param
	def any
}

// sample is a value of each parameter type, to check the filter with.
var sample = map[string]any{
	ParamText: "x", ParamInteger: int64(1), ParamNumber: decimal.NewFromInt(1),
	ParamDate: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ParamDatetime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	ParamBoolean: true,
}

func (cc *compiler) compileParams() {
	if len(cc.r.Params) > maxParams {
		cc.ps.add("/params", forms.CodeInvalidSetting, "a report has at most %d params", maxParams)
		return
	}
	seen := map[string]bool{}
	for i, p := range cc.r.Params {
		ptr := fmt.Sprintf("/params/%d", i)
		if msg := forms.CheckKey(p.Key, false); msg != "" {
			cc.ps.add(ptr+"/key", forms.CodeInvalidKey, "%s", msg)
			continue
		}
		if seen[p.Key] {
			cc.ps.add(ptr+"/key", forms.CodeDuplicateKey, "the parameter %q is declared twice", p.Key)
			continue
		}
		seen[p.Key] = true
		if !slices.Contains(ParamTypes, p.Type) {
			cc.ps.add(ptr+"/type", CodeInvalidParam, "unknown parameter type %q; use %s", p.Type, strings.Join(ParamTypes, ", "))
			continue
		}
		raw, err := rawJSON(p.Default)
		if err != nil {
			cc.ps.add(ptr+"/default", CodeInvalidParam, "the default is not a JSON value")
			continue
		}
		def, msg := convertParam(p, raw)
		if msg != "" {
			cc.ps.add(ptr+"/default", CodeInvalidParam, "the default %s", msg)
			continue
		}
		cc.out.params = append(cc.out.params, &cparam{Param: p, def: def})
	}
}

// param finds a parameter by key.
func (c *Compiled) param(key string) (*cparam, bool) {
	for _, p := range c.params {
		if p.Key == key {
			return p, true
		}
	}
	return nil, false
}

// samples are a value of the right type for every parameter (its default
// when it has one), to check the filter with at publish.
func (c *Compiled) samples() map[string]any {
	out := map[string]any{}
	for _, p := range c.params {
		switch {
		case p.def != nil:
			out[p.Key] = p.def
		case p.Multiple:
			out[p.Key] = []any{sample[p.Type]}
		default:
			out[p.Key] = sample[p.Type]
		}
	}
	return out
}

// resolveParams checks the values a viewer gave against the declared
// parameters and fills in the defaults. Values are JSON values (strings,
// json.Number or float64, bools, lists, nil) or Go values of the
// parameter's type. Problems carry the path /params/<key>.
func (c *Compiled) resolveParams(given map[string]any) (map[string]any, error) {
	var ps problems
	out := make(map[string]any, len(c.params))
	for key := range given {
		if _, ok := c.param(key); !ok {
			ps.add("/params/"+pointerEscape(key), forms.CodeUnknownField, "the report has no parameter %q", key)
		}
	}
	for _, p := range c.params {
		raw, ok := given[p.Key]
		if !ok {
			out[p.Key] = p.def
			continue
		}
		v, msg := convertParam(p.Param, raw)
		if msg != "" {
			ps.add("/params/"+p.Key, forms.CodeInvalidValue, "%s %s", p.Key, msg)
			continue
		}
		out[p.Key] = v
	}
	if err := ps.err("params"); err != nil {
		return nil, err
	}
	return out, nil
}

// convertParam turns raw into p's type: int64, decimal.Decimal, time.Time
// (UTC, midnight for a date), string, bool, []any of those for a multiple
// parameter, or nil. msg says what is wrong otherwise.
func convertParam(p Param, raw any) (any, string) {
	if raw == nil && p.Multiple {
		return []any{}, "" // note: no values is an empty list, which == nil.
	}
	if raw == nil {
		return nil, ""
	}
	if !p.Multiple {
		return convertValue(p.Type, raw)
	}
	var items []any
	switch x := raw.(type) {
	case []any:
		items = x
	case []string:
		for _, s := range x {
			items = append(items, s)
		}
	default:
		return nil, fmt.Sprintf("must be a list of %s values", p.Type)
	}
	if len(items) > 500 {
		return nil, "holds more than 500 values"
	}
	out := make([]any, 0, len(items))
	for _, it := range items {
		v, msg := convertValue(p.Type, it)
		if msg != "" {
			return nil, msg
		}
		out = append(out, v)
	}
	return out, ""
}

func convertValue(typ string, raw any) (any, string) {
	switch typ {
	case ParamText:
		if s, ok := raw.(string); ok && len(s) <= 1000 {
			return s, ""
		}
		return nil, "must be text (at most 1000 bytes)"
	case ParamInteger, ParamNumber:
		d, ok := toDecimal(raw)
		if !ok {
			return nil, "must be a number"
		}
		if typ == ParamNumber {
			return d, ""
		}
		if !d.IsInteger() || d.Abs().GreaterThan(decimal.NewFromInt(math.MaxInt64)) {
			return nil, "must be a whole number"
		}
		return d.IntPart(), ""
	case ParamDate, ParamDatetime:
		t, ok := toTime(typ, raw)
		if !ok {
			if typ == ParamDate {
				return nil, "must be a date such as 2026-03-31"
			}
			return nil, "must be a date and time such as 2026-03-31T14:30:00Z"
		}
		return t, ""
	case ParamBoolean:
		if b, ok := raw.(bool); ok {
			return b, ""
		}
		return nil, "must be true or false"
	}
	return nil, "has an unknown type"
}

// toDecimal reads a number given as JSON or Go.
func toDecimal(raw any) (decimal.Decimal, bool) {
	switch x := raw.(type) {
	case json.Number:
		d, err := decimal.NewFromString(string(x))
		return d, err == nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return decimal.Decimal{}, false
		}
		return decimal.NewFromFloat(x), true
	case int:
		return decimal.NewFromInt(int64(x)), true
	case int64:
		return decimal.NewFromInt(x), true
	case decimal.Decimal:
		return x, true
	case string:
		d, err := decimal.NewFromString(strings.TrimSpace(x))
		return d, err == nil
	}
	return decimal.Decimal{}, false
}

// toTime reads a date ("2026-03-31") or a date-time (RFC 3339; a plain
// date is midnight UTC).
func toTime(typ string, raw any) (time.Time, bool) {
	var t time.Time
	switch x := raw.(type) {
	case time.Time:
		t = x.UTC()
	case string:
		s := strings.TrimSpace(x)
		var err error
		if t, err = time.Parse(forms.DateLayout, s); err != nil {
			if typ == ParamDate {
				return t, false
			}
			if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
				return t, false
			}
		}
		t = t.UTC()
	default:
		return t, false
	}
	if typ == ParamDate {
		t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	return t, true
}

// pointerEscape escapes one JSON pointer segment.
func pointerEscape(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}
