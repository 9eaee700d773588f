package forms

import (
	"encoding/json"
	"strings"

	"github.com/mosaic-lowcode/mosaic/store"
)

var _ FieldType = attachmentType{}

// Attachment is a file kept on a record: the metadata is copied into the
// record so reading it needs no extra query.
type Attachment struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Size int64  `json:"size"`
	Type string `json:"type"`
}

// attachmentType holds uploaded files, as a JSON array of Attachment.
type attachmentType struct{}

func (attachmentType) Name() string                           { return "attachment" }
func (attachmentType) Column(*Field) (store.ColumnType, bool) { return store.TypeJSON, true }
func (attachmentType) CheckSettings(f *Field, path string) []Problem {
	var ps []Problem
	for i, a := range f.Accept {
		if !strings.Contains(a, "/") {
			ps = append(ps, problem(path+"/accept/"+itoa(i), CodeInvalidSetting, "accept entries are MIME types such as application/pdf or image/*"))
		}
	}
	return ps
}

// Prepare accepts a list of uploaded file ids (or objects with an "id"); the
// record store fills in the rest from the upload.
func (attachmentType) Prepare(f *Field, raw any) (any, error) {
	items, ok := raw.([]any)
	if !ok {
		return nil, badValue("must be a list of uploaded file ids")
	}
	if f.MaxFiles > 0 && len(items) > f.MaxFiles {
		return nil, badValueCode(CodeTooMany, "holds at most %d files", f.MaxFiles)
	}
	out := make([]Attachment, 0, len(items))
	for _, it := range items {
		var id string
		switch v := it.(type) {
		case string:
			id = v
		case map[string]any:
			id, _ = v["id"].(string)
		}
		if id == "" || len(id) > 40 {
			return nil, badValue("must be a list of uploaded file ids")
		}
		out = append(out, Attachment{ID: id})
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func (attachmentType) ToDB(_ *Field, v any) (any, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func (attachmentType) FromDB(_ *Field, v any) (any, error) {
	var as []Attachment
	return jsonFromDB(v, &as, func() any { return as })
}

func (attachmentType) ToJSON(_ *Field, v any) any { return v }

func (attachmentType) ExprValue(_ *Field, v any) any {
	as, _ := v.([]Attachment)
	names := make([]string, len(as))
	for i, a := range as {
		names[i] = a.Name
	}
	return names
}

// AcceptsType reports whether the field takes files of MIME type ct.
func (f *Field) AcceptsType(ct string) bool {
	if len(f.Accept) == 0 {
		return true
	}
	ct = strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	for _, a := range f.Accept {
		a = strings.ToLower(a)
		if a == ct || (strings.HasSuffix(a, "/*") && strings.HasPrefix(ct, strings.TrimSuffix(a, "*"))) {
			return true
		}
	}
	return false
}
