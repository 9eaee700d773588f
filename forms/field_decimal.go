package forms

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/store"
)

var _ FieldType = decimalType{}
var _ Constrained = decimalType{}

// decimalType covers decimal, money and percent: exact numbers with a fixed
// number of decimal places, stored as BIGINT in minor units (amount × 10^scale)
// so both SQLite and PostgreSQL keep them exact. A percent is a fraction:
// 0.15 is 15 %.
type decimalType struct{ name string }

var maxMinorUnits = decimal.NewFromInt(math.MaxInt64)

var thousandsRegex = regexp.MustCompile(`^-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$`)

func (t decimalType) Name() string                         { return t.name }
func (decimalType) Column(*Field) (store.ColumnType, bool) { return store.TypeBigInt, true }

func (decimalType) CheckSettings(f *Field, path string) []Problem {
	ps := checkRangeSettings(f, path)
	if f.Scale != nil && (*f.Scale < 0 || *f.Scale > 6) {
		ps = append(ps, problem(path+"/scale", CodeInvalidSetting, "scale must be between 0 and 6"))
	}
	return ps
}

func (decimalType) Prepare(f *Field, raw any) (any, error) {
	var d decimal.Decimal
	var err error
	switch v := raw.(type) {
	case json.Number:
		d, err = decimal.NewFromString(string(v))
	case string:
		s := strings.TrimSpace(v)
		if thousandsRegex.MatchString(s) {
			// note: only "1,234,567.89" loses its commas; "1,5" is refused
			// rather than read as 15.
			s = strings.ReplaceAll(s, ",", "")
		}
		if s == "" {
			return nil, nil
		}
		d, err = decimal.NewFromString(s)
	case int:
		d = decimal.NewFromInt(int64(v))
	case int64:
		d = decimal.NewFromInt(v)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, badValue("must be a number")
		}
		// note: floats come only from expressions; they are rounded to the
		// field's scale, which recovers the exact value for sums of money.
		d = decimal.NewFromFloat(v).Round(int32(f.scale()))
	case decimal.Decimal:
		d = v
	default:
		return nil, badValue("must be a number")
	}
	if err != nil {
		return nil, badValue("must be a number")
	}
	if !d.Equal(d.Round(int32(f.scale()))) {
		return nil, badValueCode(CodeTooPrecise, "has more than %d decimal places", f.scale())
	}
	if d.Shift(int32(f.scale())).Abs().GreaterThan(maxMinorUnits) {
		return nil, badValueCode(CodeTooLarge, "is too large")
	}
	return d, nil
}

func (decimalType) ToDB(f *Field, v any) (any, error) {
	d, ok := v.(decimal.Decimal)
	if !ok {
		return nil, fmt.Errorf("decimal field %s: unexpected %T", f.Key, v)
	}
	return d.Shift(int32(f.scale())).IntPart(), nil
}

func (decimalType) FromDB(f *Field, v any) (any, error) {
	n, err := fromDBInt(v)
	if n == nil || err != nil {
		return nil, err
	}
	return decimal.New(n.(int64), -int32(f.scale())), nil
}

func (decimalType) ToJSON(f *Field, v any) any {
	return json.Number(fixedText(v.(decimal.Decimal), int32(f.scale())))
}

// AppendJSON writes v as ToJSON does, into buf.
func (decimalType) AppendJSON(buf []byte, f *Field, v any) []byte {
	return appendFixed(buf, v.(decimal.Decimal), int32(f.scale()))
}

// fixedText is d.StringFixed(scale).
func fixedText(d decimal.Decimal, scale int32) string {
	return string(appendFixed(nil, d, scale))
}

// appendFixed appends d.StringFixed(scale) to buf. A value read from its
// column has exactly scale decimals and fits in an int64, and is written
// without math/big, which took a tenth of a list page's CPU.
func appendFixed(buf []byte, d decimal.Decimal, scale int32) []byte {
	if d.Exponent() != -scale || d.NumDigits() > 18 {
		return append(buf, d.StringFixed(scale)...)
	}
	c := d.CoefficientInt64()
	u := uint64(c)
	if c < 0 {
		u = -u
		buf = append(buf, '-')
	}
	var digits [24]byte
	ds := strconv.AppendUint(digits[:0], u, 10)
	if scale == 0 {
		return append(buf, ds...)
	}
	// note: below 1 the integer part is 0 and the decimals are padded:
	// 5 at scale 2 is 0.05.
	n := int(scale)
	if len(ds) <= n {
		buf = append(buf, '0', '.')
		for range n - len(ds) {
			buf = append(buf, '0')
		}
		return append(buf, ds...)
	}
	buf = append(buf, ds[:len(ds)-n]...)
	buf = append(buf, '.')
	return append(buf, ds[len(ds)-n:]...)
}

func (decimalType) ExprValue(_ *Field, v any) any {
	d, _ := v.(decimal.Decimal)
	f, _ := d.Float64()
	return f
}

func (decimalType) Check(f *Field, v any) (string, string) {
	d := v.(decimal.Decimal)
	if f.Min != nil {
		if lo, err := decimal.NewFromString(f.Min.String()); err == nil && d.LessThan(lo) {
			return CodeTooSmall, fmt.Sprintf("must be at least %s", f.Min)
		}
	}
	if f.Max != nil {
		if hi, err := decimal.NewFromString(f.Max.String()); err == nil && d.GreaterThan(hi) {
			return CodeTooLarge, fmt.Sprintf("must be at most %s", f.Max)
		}
	}
	return "", ""
}
