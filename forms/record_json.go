package forms

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// MarshalRecord encodes rec for the API as JSON, with the system columns
// first and the fields in definition order, the way people read the form.
// only limits the fields as in JSON; expand, when not nil, is added as the
// "expand" property. It is the fast path for record responses: no maps, no
// reflection for the common value types.
func (c *Compiled) MarshalRecord(rec Record, acc *Access, only map[string]bool, expand map[string]any) []byte {
	return c.Writer(acc, only).AppendRecord(make([]byte, 0, 512), rec, expand)
}

// RecordWriter writes records of one form as one reader sees them. It works
// out once which fields that reader sees, so a page of records does not ask
// the access for every field of every row and line.
type RecordWriter struct {
	c        *Compiled
	only     map[string]bool
	fields   []*CField       // written, in definition order
	children []*RecordWriter // the writer of each sub-table field in fields, nil for others
}

// Writer returns the writer of c's records as acc sees them, limited to
// only when it is not nil (as MarshalRecord).
func (c *Compiled) Writer(acc *Access, only map[string]bool) *RecordWriter {
	w := &RecordWriter{c: c, only: only}
	for _, f := range c.fields {
		if (only != nil && !only[f.Key]) || !acc.CanRead(c.fieldPath(f.Key)) {
			// note: hidden fields are absent, not null.
			continue
		}
		var child *RecordWriter
		if f.Child != nil {
			child = f.Child.Writer(acc, nil)
		}
		w.fields = append(w.fields, f)
		w.children = append(w.children, child)
	}
	return w
}

// AppendRecord appends the JSON MarshalRecord makes of rec to buf.
func (w *RecordWriter) AppendRecord(buf []byte, rec Record, expand map[string]any) []byte {
	buf = w.appendRecord(buf, rec)
	if expand != nil {
		buf = buf[:len(buf)-1]
		buf = append(buf, `,"expand":`...)
		b, err := json.Marshal(expand)
		if err != nil {
			b = []byte("null")
		}
		buf = append(buf, b...)
		buf = append(buf, '}')
	}
	return buf
}

func (w *RecordWriter) appendRecord(buf []byte, rec Record) []byte {
	buf = append(buf, '{')
	first := true
	key := func(k string) {
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = appendJSONString(buf, k)
		buf = append(buf, ':')
	}
	if w.c.parent == nil {
		for _, k := range SystemColumns {
			if w.only != nil && !w.only[k] && k != "id" {
				continue
			}
			key(k)
			v := rec[k]
			if t, ok := v.(time.Time); ok {
				buf = append(buf, '"')
				buf = t.AppendFormat(buf, time.RFC3339Nano)
				buf = append(buf, '"')
				continue
			}
			buf = appendJSONValue(buf, v)
		}
	} else if id, ok := rec["id"]; ok {
		key("id")
		buf = appendJSONValue(buf, id)
	}
	for i, f := range w.fields {
		key(f.Key)
		v := rec[f.Key]
		switch {
		case f.Child != nil:
			rows, _ := v.([]Record)
			buf = append(buf, '[')
			for i2, r := range rows {
				if i2 > 0 {
					buf = append(buf, ',')
				}
				buf = w.children[i].appendRecord(buf, r)
			}
			buf = append(buf, ']')
		case v == nil:
			buf = append(buf, "null"...)
		default:
			buf = appendFieldJSON(buf, f.Kind, f.Field, v)
		}
	}
	return append(buf, '}')
}

// jsonAppender is a field type that writes a value's JSON straight into a
// buffer, as its ToJSON would give it, without the value ToJSON makes: a
// list page writes hundreds of money and date values.
type jsonAppender interface {
	AppendJSON(buf []byte, f *Field, v any) []byte
}

// appendFieldJSON appends the JSON of v, a value of field f of type t.
func appendFieldJSON(buf []byte, t FieldType, f *Field, v any) []byte {
	if a, ok := t.(jsonAppender); ok {
		return a.AppendJSON(buf, f, v)
	}
	return appendJSONValue(buf, t.ToJSON(f, v))
}

func appendJSONValue(buf []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...)
	case string:
		return appendJSONString(buf, x)
	case int64:
		return strconv.AppendInt(buf, x, 10)
	case bool:
		return strconv.AppendBool(buf, x)
	case json.Number:
		return append(buf, x...)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return append(buf, "null"...)
	}
	return append(buf, b...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as a JSON string. Like encoding/json it escapes
// <, > and & so a response can never be read as HTML, and replaces invalid
// UTF-8 with U+FFFD.
func appendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch b {
			case '"', '\\':
				buf = append(buf, '\\', b)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
