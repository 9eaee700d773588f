package flows

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/expr-lang/expr/vm"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// Action types.
const (
	ActionSetFields    = "set_fields"
	ActionCreateRecord = "create_record"
	ActionUpdateRecord = "update_record"
	ActionNotify       = "notify"
	ActionWebhook      = "webhook"
	// ActionGenerateDocument prints the record with a document template and
	// attaches the PDF to it (a contract, once approved).
	ActionGenerateDocument = "generate_document"
	// ActionConvert creates a record of form by one of its conversions
	// from the flow's record (a quote accepted becomes an order).
	ActionConvert = "convert"
)

// actionSettings lists the settings each action type uses.
var actionSettings = map[string]struct{ allowed, required []string }{
	ActionSetFields:        {[]string{"set"}, []string{"set"}},
	ActionCreateRecord:     {[]string{"set", "form"}, []string{"set", "form"}},
	ActionUpdateRecord:     {[]string{"set", "form", "record"}, []string{"set", "form", "record"}},
	ActionNotify:           {[]string{"to", "message", "email", "link", "template"}, []string{"message"}},
	ActionWebhook:          {[]string{"url"}, []string{"url"}},
	ActionGenerateDocument: {[]string{"document"}, []string{"document"}},
	ActionConvert:          {[]string{"form", "conversion"}, []string{"form", "conversion"}},
}

// caction is a compiled action.
type caction struct {
	*Action
	target  *forms.Compiled // the form whose record set_fields, create or update write
	set     []setter        // by field key
	record  *vm.Program     // of update_record: the id of the record to update
	convert *forms.CConversion
	to      []cassignee
	email   *vm.Program // of notify: addresses outside Mosaic
	message template
	// readsTarget is set when a mapping of update_record reads the record
	// it updates (target.x): the runtime reads that record first, and
	// updates it only if nobody changed it meanwhile.
	readsTarget bool
}

// Links of notify actions.
const LinkSign = "sign"

// setter computes one field of a record written by an action.
type setter struct {
	field *forms.CField
	prog  *vm.Program
}

func (c *compiler) compileAction(a *Action, path string) caction {
	ca := caction{Action: a}
	spec, ok := actionSettings[a.Type]
	if !ok {
		c.add(path+"/type", forms.CodeInvalidSetting, "unknown action type %q; use set_fields, create_record, update_record, notify, webhook, generate_document or convert", a.Type)
		return ca
	}
	has := map[string]bool{"set": len(a.Set) > 0, "form": a.Form != "", "record": a.Record != "",
		"to": len(a.To) > 0, "message": a.Message != "", "url": a.URL != "",
		"email": a.Email != "", "link": a.Link != "", "template": a.Template != "", "document": a.Document != "", "conversion": a.Conversion != ""}
	for _, s := range spec.required {
		if !has[s] {
			c.add(path+"/"+s, CodeMissingSetting, "a %s action needs %s", a.Type, s)
		}
	}
	for _, s := range sortedKeys(has) {
		if has[s] && !slices.Contains(spec.allowed, s) {
			c.add(path+"/"+s, forms.CodeInvalidSetting, "%s does not apply to a %s action", s, a.Type)
		}
	}
	switch a.Type {
	case ActionSetFields:
		ca.target = c.form
	case ActionCreateRecord, ActionUpdateRecord:
		ca.target = c.targetForm(a.Form, path+"/form")
		if a.Type == ActionUpdateRecord && a.Record != "" {
			ca.record = c.idValue(path+"/record", a.Record, false, "the id of the record to update")
		}
	case ActionNotify:
		if len(a.To) == 0 && a.Email == "" {
			c.add(path+"/to", CodeMissingSetting, "a notify action needs to (users) or email (addresses), or both")
		}
		if len(a.To) > 0 {
			ca.to = c.compileAssignees(a.To, path+"/to")
		}
		if a.Email != "" {
			ca.email = c.value(path+"/email", a.Email)
		}
		if a.Link != "" && a.Link != LinkSign {
			c.add(path+"/link", forms.CodeInvalidSetting, "unknown link %q; the only link is sign", a.Link)
		}
		if a.Template != "" && !slices.Contains(NotifyTemplates, a.Template) {
			c.add(path+"/template", forms.CodeInvalidSetting, "unknown e-mail template %q; use %s", a.Template, strings.Join(NotifyTemplates, " or "))
		}
		ca.message = c.compileTemplate(path+"/message", a.Message)
	case ActionWebhook:
		c.checkURL(a.URL, path+"/url")
	case ActionConvert:
		if target := c.targetForm(a.Form, path+"/form"); target != nil && a.Conversion != "" {
			cv, ok := target.Conversion(a.Conversion)
			switch {
			case !ok:
				c.add(path+"/conversion", forms.CodeUnknownTarget, "form %s has no conversion %q", a.Form, a.Conversion)
			case c.form != nil && cv.From != c.form.Form.Key:
				c.add(path+"/conversion", forms.CodeInvalidSetting, "conversion %q converts %s records, not %s", a.Conversion, cv.From, c.form.Form.Key)
			default:
				ca.convert = cv
			}
		}
	case ActionGenerateDocument:
		if docs, ok := c.forms.(DocumentLookup); ok && a.Document != "" && c.form != nil && !docs.HasDocument(c.form.Form.Key, a.Document) {
			c.add(path+"/document", forms.CodeUnknownTarget, "there is no published document template %q of form %s", a.Document, c.form.Form.Key)
		}
	}
	if ca.target != nil {
		ca.set = c.compileSet(ca.target, a.Set, path+"/set", a.Type)
	}
	for _, s := range ca.set {
		ca.readsTarget = ca.readsTarget || (a.Type == ActionUpdateRecord && readsTarget(s.prog))
	}
	return ca
}

// DocumentLookup, when the form lookup has it, tells which document
// templates exist, so generate_document actions are checked at publish.
type DocumentLookup interface {
	HasDocument(form, key string) bool
}

func (c *compiler) targetForm(key, path string) *forms.Compiled {
	if key == "" {
		return nil
	}
	form, ok := lookupForm(c.forms, key)
	if !ok {
		c.add(path, forms.CodeUnknownTarget, "there is no published form %q", key)
		return nil
	}
	return form
}

// compileSet checks that every key of set is a field of target that can be
// written, and compiles its expression for that field (an update_record's
// may read the record it updates as target). For a new record, required
// fields it leaves empty are reported.
func (c *compiler) compileSet(target *forms.Compiled, set map[string]string, path, action string) []setter {
	var out []setter
	for _, key := range sortedKeys(set) {
		p := path + "/" + pointerEscape(key)
		f, ok := target.Field(key)
		switch {
		case !ok:
			c.add(p, forms.CodeUnknownFieldRef, "%s has no field %q", target.Form.Key, key)
			continue
		case f.Computed():
			c.add(p, forms.CodeInvalidSetting, "%q is computed by the engine; it cannot be set", key)
			continue
		case f.Child != nil:
			c.add(p, forms.CodeInvalidSetting, "%q is a sub-table; actions set single fields", key)
			continue
		}
		var prog *vm.Program
		if action == ActionUpdateRecord {
			prog = c.updateValue(p, set[key], target, f)
		} else {
			prog = c.fieldValue(p, set[key], f)
		}
		if prog != nil {
			out = append(out, setter{field: f, prog: prog})
		}
	}
	if action == ActionCreateRecord {
		for _, f := range target.Fields() {
			if _, ok := set[f.Key]; !ok && f.Required && f.Default == "" && f.VisibleIf == "" && !f.Computed() {
				c.add(path, CodeMissingRequiredField, "the new %s record needs %q, which is required and has no default", target.Form.Key, f.Key)
			}
		}
	}
	return out
}

func pointerEscape(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

func (c *compiler) checkURL(raw, path string) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		c.add(path, CodeInvalidURL, "%q is not an http or https URL (without a user name or password)", raw)
	}
}

// compileWait checks a wait; it returns the program of its condition.
func (c *compiler) compileWait(w *Wait, path string) *vm.Program {
	given := 0
	for _, s := range []string{w.Duration, w.UntilDate, w.Until} {
		if s != "" {
			given++
		}
	}
	switch {
	case given == 0:
		c.add(path, CodeMissingSetting, "a wait needs a duration, until_date or until")
	case given > 1:
		c.add(path, forms.CodeInvalidSetting, "a wait waits for one thing: a duration, until_date or until")
	}
	if w.Duration != "" {
		if _, err := ParseDuration(w.Duration); err != nil {
			c.add(path+"/duration", CodeInvalidDuration, "%v", err)
		}
	}
	if w.UntilDate != "" && c.form != nil {
		f, ok := c.form.Field(w.UntilDate)
		switch {
		case !ok:
			c.add(path+"/until_date", forms.CodeUnknownFieldRef, "%s has no field %q", c.f.Form, w.UntilDate)
		case !isDateField(f):
			c.add(path+"/until_date", CodeWrongFieldType, "%q is a %s field; a wait needs a date or datetime field", w.UntilDate, f.Kind.Name())
		}
	}
	if w.Until != "" {
		return c.condition(path+"/until", w.Until)
	}
	return nil
}

func isDateField(f *forms.CField) bool {
	switch f.Kind.Name() {
	case "date", "datetime":
		return true
	case "formula":
		return f.Result == "date"
	}
	return false
}

// compileSubflow checks a subflow; it returns the program of its record id.
func (c *compiler) compileSubflow(s *Subflow, path string) *vm.Program {
	switch msg := forms.CheckKey(s.Flow, false); {
	case msg != "":
		c.add(path+"/flow", forms.CodeInvalidKey, "%s", msg)
	case s.Flow == c.f.Key:
		c.add(path+"/flow", forms.CodeInvalidSetting, "a flow cannot start itself as a subflow")
	}
	if s.Record == "" {
		c.add(path+"/record", CodeMissingSetting, "a subflow needs the expression giving the related record's id")
		return nil
	}
	return c.idValue(path+"/record", s.Record, false, "the id of a related record")
}

// Trigger kinds.
const (
	OnCreate   = "create"
	OnUpdate   = "update"
	OnSubmit   = "submit"
	OnSchedule = "schedule"
)

func (c *compiler) compileTriggers() {
	if len(c.f.Triggers) == 0 {
		c.add("/triggers", CodeMissingSetting, "a flow needs at least one trigger")
	}
	for i, t := range c.f.Triggers {
		path := fmt.Sprintf("/triggers/%d", i)
		switch t.On {
		case OnCreate, OnUpdate, OnSubmit:
			if t.Cron != "" {
				c.add(path+"/cron", forms.CodeInvalidSetting, "cron applies only to a schedule trigger")
			}
		case OnSchedule:
			if t.Cron == "" {
				c.add(path+"/cron", CodeMissingSetting, "a schedule trigger needs a cron expression, such as \"0 8 * * 1\"")
			} else if err := checkCron(t.Cron); err != nil {
				c.add(path+"/cron", CodeInvalidCron, "%v", err)
			}
		default:
			c.add(path+"/on", forms.CodeInvalidSetting, "unknown trigger %q; use create, update, submit or schedule", t.On)
		}
		var prog *vm.Program
		if t.When != "" {
			prog = c.condition(path+"/when", t.When)
		}
		c.out.triggers = append(c.out.triggers, prog)
	}
}
