package reports

import (
	"bytes"
	"encoding/json"
	"sync"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// Forms finds the live compiled forms a report reads: its source and the
// forms its paths reach through relations.
type Forms interface {
	Form(key string) (*forms.Compiled, bool)
}

// Built-in sources: system data that reports read like forms. Each has a
// fixed form describing its columns (see store.BuiltinAudit and
// store.BuiltinFlowTasks), so filters, dimensions and measures work on it
// as on any form. Only administrators may read them.
const (
	// SourceAudit is the audit log: at, actor, action, target_kind,
	// target_key, record_id, summary.
	SourceAudit = "mosaic.audit"
	// SourceFlowTasks is the tasks of flow instances: flow, form,
	// record_id, instance, node, assignee, state, due_at, decided_at,
	// decided_by, decision_seconds, instance_state, submitted_by.
	SourceFlowTasks = "mosaic.flow_tasks"
	// SourceFlowInstances is the instances of flows: flow, form, record_id,
	// state, trigger, started_at, ended_at, cycle_seconds, submitted_by,
	// parent_instance.
	SourceFlowInstances = "mosaic.flow_instances"
)

// builtinForms are the definitions of the built-in sources' columns.
var builtinForms = map[string]struct {
	view string
	form string
}{
	SourceAudit: {store.BuiltinAudit, `{"kind": "form", "key": "mosaic_audit", "title": "Audit log", "fields": [
		{"key": "at", "type": "datetime", "label": "At"},
		{"key": "actor", "type": "user", "label": "Actor"},
		{"key": "action", "type": "text", "label": "Action"},
		{"key": "target_kind", "type": "text", "label": "Target kind"},
		{"key": "target_key", "type": "text", "label": "Target key"},
		{"key": "record_id", "type": "integer", "label": "Record"},
		{"key": "summary", "type": "text", "label": "Summary"}]}`},
	SourceFlowTasks: {store.BuiltinFlowTasks, `{"kind": "form", "key": "mosaic_flow_tasks", "title": "Flow tasks", "fields": [
		{"key": "flow", "type": "text", "label": "Flow"},
		{"key": "form", "type": "text", "label": "Form"},
		{"key": "record_id", "type": "integer", "label": "Record"},
		{"key": "instance", "type": "integer", "label": "Instance"},
		{"key": "node", "type": "text", "label": "Node"},
		{"key": "assignee", "type": "user", "label": "Assignee"},
		{"key": "state", "type": "select", "label": "State", "options": [
			{"value": "pending", "label": "Pending"}, {"value": "queued", "label": "Queued"},
			{"value": "approved", "label": "Approved"}, {"value": "rejected", "label": "Rejected"},
			{"value": "returned", "label": "Returned"}, {"value": "cancelled", "label": "Cancelled"},
			{"value": "skipped", "label": "Skipped"}]},
		{"key": "due_at", "type": "datetime", "label": "Due"},
		{"key": "decided_at", "type": "datetime", "label": "Decided at"},
		{"key": "decided_by", "type": "user", "label": "Decided by"},
		{"key": "decision_seconds", "type": "decimal", "scale": 3, "label": "Decision time (s)"},
		{"key": "instance_state", "type": "select", "label": "Instance state", "options": [
			{"value": "running", "label": "Running"}, {"value": "stuck", "label": "Stuck"},
			{"value": "approved", "label": "Approved"}, {"value": "rejected", "label": "Rejected"},
			{"value": "withdrawn", "label": "Withdrawn"}, {"value": "cancelled", "label": "Cancelled"}]},
		{"key": "submitted_by", "type": "user", "label": "Submitted by"}]}`},
	SourceFlowInstances: {store.BuiltinFlowInstances, `{"kind": "form", "key": "mosaic_flow_instances", "title": "Flow instances", "fields": [
		{"key": "flow", "type": "text", "label": "Flow"},
		{"key": "form", "type": "text", "label": "Form"},
		{"key": "record_id", "type": "integer", "label": "Record"},
		{"key": "state", "type": "select", "label": "State", "options": [
			{"value": "running", "label": "Running"}, {"value": "stuck", "label": "Stuck"},
			{"value": "approved", "label": "Approved"}, {"value": "rejected", "label": "Rejected"},
			{"value": "withdrawn", "label": "Withdrawn"}, {"value": "cancelled", "label": "Cancelled"}]},
		{"key": "trigger", "type": "text", "label": "Trigger"},
		{"key": "started_at", "type": "datetime", "label": "Started at"},
		{"key": "ended_at", "type": "datetime", "label": "Ended at"},
		{"key": "cycle_seconds", "type": "decimal", "scale": 3, "label": "Cycle time (s)"},
		{"key": "submitted_by", "type": "user", "label": "Submitted by"},
		{"key": "parent_instance", "type": "integer", "label": "Parent instance"}]}`},
}

var (
	builtinOnce     sync.Once
	builtinCompiled map[string]*forms.Compiled
)

// Builtin returns the form describing a built-in source ("mosaic.audit"),
// or false when source is not one.
func Builtin(source string) (*forms.Compiled, bool) {
	builtinOnce.Do(func() {
		builtinCompiled = map[string]*forms.Compiled{}
		for name, b := range builtinForms {
			f, err := forms.Parse([]byte(b.form))
			if err != nil {
				panic("built-in source " + name + ": " + err.Error())
			}
			c, err := forms.Compile(f, 1, nil, forms.DefaultTypes())
			if err != nil {
				panic("built-in source " + name + ": " + err.Error())
			}
			builtinCompiled[name] = c
		}
	})
	c, ok := builtinCompiled[source]
	return c, ok
}

// IsBuiltin reports whether c describes a built-in source rather than a
// form; an access resolver uses it to keep built-in sources to
// administrators.
func IsBuiltin(c *forms.Compiled) bool {
	for name := range builtinForms {
		if b, _ := Builtin(name); b == c {
			return true
		}
	}
	return false
}

// systemFields are the system columns every form (and built-in source)
// has, as fields, so paths can name them: created_at is a date-time,
// owner and created_by are users.
var systemFields = func() map[string]*forms.CField {
	types := forms.DefaultTypes()
	kinds := map[string]string{"id": "integer", "created_at": "datetime", "created_by": "user",
		"updated_at": "datetime", "updated_by": "user", "owner": "user", "row_version": "integer",
		"flow_status": "text", "form_version": "integer"}
	out := map[string]*forms.CField{}
	for _, key := range forms.SystemColumns {
		t := kinds[key]
		out[key] = &forms.CField{Field: &forms.Field{Key: key, Type: t, Label: key}, Kind: types[t], Column: store.MustIdent(key)}
	}
	return out
}()

// fieldOf finds key on form c: a field with a column, or a system column.
func fieldOf(c *forms.Compiled, key string) (*forms.CField, bool) {
	if f, ok := systemFields[key]; ok {
		return f, true
	}
	f, ok := c.Field(key)
	return f, ok
}

// valueType is how a report treats a field's values.
type valueType int

const (
	vtUnsupported valueType = iota
	vtText
	vtInteger
	vtDecimal
	vtDate
	vtDatetime
	vtBool
)

// typeOf classifies a field; lists, documents and sub-tables are
// unsupported.
func typeOf(f *forms.CField) valueType {
	if f.Column == "" {
		return vtUnsupported
	}
	switch f.ValueType() {
	case "text", "long_text", "email", "phone", "url", "auto_number", "select":
		return vtText
	case "integer", "user", "department":
		return vtInteger
	case "relation":
		if f.Multiple {
			return vtUnsupported
		}
		return vtInteger
	case "decimal", "money", "percent":
		return vtDecimal
	case "date":
		return vtDate
	case "datetime":
		return vtDatetime
	case "boolean":
		return vtBool
	}
	return vtUnsupported
}

// rawJSON decodes a JSON value keeping numbers as json.Number.
func rawJSON(raw json.RawMessage) (any, error) {
	var v any
	if len(raw) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	err := dec.Decode(&v)
	return v, err
}
