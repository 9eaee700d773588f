package forms

import (
	"encoding/json"
	"fmt"
)

// Layout is how a form is laid out: sections, then tabs of sections. It is
// presentation only — records never see it — but it names fields, so a
// publish checks those names like any other reference.
type Layout struct {
	Sections []LayoutSection `json:"sections,omitempty"`
	Tabs     []LayoutTab     `json:"tabs,omitempty"`
}

// LayoutTab is one tab of sections.
type LayoutTab struct {
	Title    string          `json:"title"`
	Sections []LayoutSection `json:"sections"`
}

// LayoutSection is a group of fields in 1 to 3 columns.
type LayoutSection struct {
	Title   string   `json:"title,omitempty"`
	Columns int      `json:"columns,omitempty"`
	Fields  []string `json:"fields"`
}

// checkLayout reports layout entries that name no field of the form (or a
// sub-table column, which lives inside its table), fields placed twice, and
// column counts outside 1–3. The JSON Schema has already checked the shape;
// a layout that does not decode is reported once at /layout.
func (c *Compiled) checkLayout() []Problem {
	raw := c.Form.Layout
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var l Layout
	if err := json.Unmarshal(raw, &l); err != nil {
		return []Problem{problem("/layout", CodeInvalidSetting, "layout must be an object of sections and tabs")}
	}
	top := map[string]bool{}
	for _, f := range c.Form.Fields {
		top[f.Key] = true
	}
	var ps []Problem
	placed := map[string]string{}
	check := func(s LayoutSection, at string) {
		if s.Columns != 0 && (s.Columns < 1 || s.Columns > 3) {
			ps = append(ps, problem(at+"/columns", CodeInvalidSetting, "columns must be 1, 2 or 3"))
		}
		for i, key := range s.Fields {
			path := fmt.Sprintf("%s/fields/%d", at, i)
			switch {
			case !top[key]:
				ps = append(ps, problem(path, CodeUnknownFieldRef, "the form has no field %q", key))
			case placed[key] != "":
				ps = append(ps, problem(path, CodeDuplicateKey, "field %q is already placed at %s", key, placed[key]))
			default:
				placed[key] = path
			}
		}
	}
	for i, s := range l.Sections {
		check(s, fmt.Sprintf("/layout/sections/%d", i))
	}
	for t, tab := range l.Tabs {
		for i, s := range tab.Sections {
			check(s, fmt.Sprintf("/layout/tabs/%d/sections/%d", t, i))
		}
	}
	return ps
}
