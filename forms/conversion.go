package forms

import (
	"fmt"
	"reflect"
	"sort"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// Conversion is a "create from" action declared on the form it creates: a
// record of From becomes a new record of this form by a field mapping, so
// what was entered on a quote flows on to the order without re-entry.
type Conversion struct {
	Key   string `json:"key"`
	Title string `json:"title,omitempty"`
	// From is the source form.
	From string `json:"from"`
	// Link is a relation field of this form, to From, that the new record
	// names its source in.
	Link string `json:"link,omitempty"`
	// When is a condition on the source record; the conversion is refused
	// while it is false.
	When string `json:"when,omitempty"`
	// Set maps fields of the new record to expressions over the source.
	Set map[string]string `json:"set,omitempty"`
	// Lines fills sub-tables of the new record, by their key, from
	// sub-tables of the source.
	Lines map[string]LineMapping `json:"lines,omitempty"`
}

// LineMapping copies the rows of the source's sub-table From into a
// sub-table of the new record; Set's expressions run over one source row.
type LineMapping struct {
	From string            `json:"from"`
	Set  map[string]string `json:"set"`
}

// CConversion is a compiled conversion.
type CConversion struct {
	*Conversion
	Target *Compiled
	Source *Compiled
	when   *vm.Program
	set    []mapped
	lines  []lineMapped
}

type mapped struct {
	key  string
	prog *vm.Program
}

type lineMapped struct {
	key, from string
	set       []mapped
}

// Conversions lists the form's compiled conversions.
func (c *Compiled) Conversions() []*CConversion { return c.conversions }

// Conversion finds the conversion key of c.
func (c *Compiled) Conversion(key string) (*CConversion, bool) {
	for _, cv := range c.conversions {
		if cv.Key == key {
			return cv, true
		}
	}
	return nil, false
}

// CompileConversions compiles the conversions of c's definition against
// the source forms resolve finds. It runs after Compile, once every form a
// conversion reads from is compiled; its problems carry pointers into c's
// definition (/conversions/0/set/customer).
func (c *Compiled) CompileConversions(resolve Resolver) []Problem {
	var ps []Problem
	c.conversions = nil
	seen := map[string]bool{}
	for i := range c.Form.Conversions {
		cv := &c.Form.Conversions[i]
		path := fmt.Sprintf("/conversions/%d", i)
		if msg := CheckKey(cv.Key, false); msg != "" {
			ps = append(ps, problem(path+"/key", CodeInvalidKey, "%s", msg))
			continue
		}
		if seen[cv.Key] {
			ps = append(ps, problem(path+"/key", CodeDuplicateKey, "the key %q is used by another conversion", cv.Key))
			continue
		}
		seen[cv.Key] = true
		src, ok := resolve.Form(cv.From)
		if !ok {
			ps = append(ps, problem(path+"/from", CodeUnknownTarget, "there is no published form %q to convert from", cv.From))
			continue
		}
		out := &CConversion{Conversion: cv, Target: c, Source: src}
		if cv.Link != "" {
			if f, ok := c.byKey[cv.Link]; !ok || f.Type != "relation" || f.Target != cv.From || f.Multiple {
				ps = append(ps, problem(path+"/link", CodeInvalidSetting, "link must be a single relation field of %s to %s", c.Form.Key, cv.From))
			} else if _, dup := cv.Set[cv.Link]; dup {
				ps = append(ps, problem(path+"/set/"+cv.Link, CodeInvalidSetting, "%q is the link; it is set to the source record", cv.Link))
			}
		}
		env := src.zeroEnv()
		if cv.When != "" {
			prog, err := expr.Compile(cv.When, exprOptions(env, expr.AsBool())...)
			if err != nil {
				ps = append(ps, exprProblem(path+"/when", err))
			}
			out.when = prog
		}
		var mps []Problem
		out.set, mps = mapFields(c, cv.Set, env, path+"/set")
		ps = append(ps, mps...)
		for _, key := range sortedMapKeys(cv.Lines) {
			lm := cv.Lines[key]
			lpath := path + "/lines/" + key
			into, ok := c.byKey[key]
			if !ok || into.Child == nil {
				ps = append(ps, problem(lpath, CodeUnknownFieldRef, "%s has no sub-table %q", c.Form.Key, key))
				continue
			}
			from, ok := src.byKey[lm.From]
			if !ok || from.Child == nil {
				ps = append(ps, problem(lpath+"/from", CodeUnknownFieldRef, "%s has no sub-table %q", src.Form.Key, lm.From))
				continue
			}
			if _, dup := cv.Set[key]; dup {
				ps = append(ps, problem(path+"/set/"+key, CodeInvalidSetting, "%q is a sub-table; fill it under lines", key))
			}
			set, lps := mapFields(into.Child, lm.Set, from.Child.zeroEnv(), lpath+"/set")
			ps = append(ps, lps...)
			out.lines = append(out.lines, lineMapped{key: key, from: lm.From, set: set})
		}
		c.conversions = append(c.conversions, out)
	}
	return ps
}

// Fresh returns cv compiled again against the live source form when that
// was published anew since cv was compiled, so a conversion always reads the
// source's current fields; ok is false when it no longer compiles.
func (cv *CConversion) Fresh(resolve Resolver) (*CConversion, bool) {
	live, found := resolve.Form(cv.From)
	if !found {
		return nil, false
	}
	if live == cv.Source {
		return cv, true
	}
	cp := *cv.Target
	if ps := cp.CompileConversions(resolve); len(ps) > 0 {
		return nil, false
	}
	return cp.Conversion(cv.Key)
}

// mapFields compiles set, expressions over env stored in fields of into.
func mapFields(into *Compiled, set map[string]string, env map[string]any, path string) ([]mapped, []Problem) {
	var out []mapped
	var ps []Problem
	for _, key := range sortedMapKeys(set) {
		p := path + "/" + key
		f, ok := into.byKey[key]
		switch {
		case !ok:
			ps = append(ps, problem(p, CodeUnknownFieldRef, "%s has no field %q", into.Form.Key, key))
			continue
		case f.Computed():
			ps = append(ps, problem(p, CodeInvalidSetting, "%q is computed; it cannot be set", key))
			continue
		case f.Child != nil:
			ps = append(ps, problem(p, CodeInvalidSetting, "%q is a sub-table; fill it under lines", key))
			continue
		}
		prog, err := expr.Compile(set[key], exprOptions(env)...)
		if err != nil {
			ps = append(ps, exprProblem(p, err))
			continue
		}
		if t := prog.Node().Type(); t != nil && t.Kind() != reflect.Interface {
			if msg := checkResultType(f, t); msg != "" {
				ps = append(ps, Problem{Path: p, Code: CodeInvalidExpr, Message: msg, Line: 1, Column: 1})
				continue
			}
		}
		out = append(out, mapped{key: key, prog: prog})
	}
	return out, ps
}

func sortedMapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Input builds the input of the new record from src, a stored record of
// the source form, as actor. A false when condition, or a mapping that
// fails on this record, is a *ProblemList naming the conversion.
func (cv *CConversion) Input(src Record, actor Actor) (map[string]any, error) {
	fail := func(path, code, format string, args ...any) error {
		return &ProblemList{Subject: "conversion/" + cv.Key, Problems: []Problem{problem(path, code, format, args...)}}
	}
	env := cv.Source.env(src, nil, actor)
	if cv.when != nil {
		ok, err := expr.Run(cv.when, env)
		if err != nil || ok != true {
			return nil, fail("/when", CodeRule, "%s #%d cannot be converted now: %s", cv.Source.Form.Key, src.ID(), cv.When)
		}
	}
	in, err := runMapped(cv.set, env)
	if err != nil {
		return nil, fail("/set", CodeInvalidValue, "%v", err)
	}
	if cv.Link != "" {
		in[cv.Link] = src.ID()
	}
	for _, lm := range cv.lines {
		f := cv.Source.byKey[lm.from]
		rows, _ := src[lm.from].([]Record)
		out := make([]any, 0, len(rows))
		for _, row := range rows {
			r, err := runMapped(lm.set, f.Child.env(row, nil, actor))
			if err != nil {
				return nil, fail("/lines/"+lm.key, CodeInvalidValue, "%v", err)
			}
			out = append(out, r)
		}
		in[lm.key] = out
	}
	return in, nil
}

func runMapped(set []mapped, env map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(set)+1)
	for _, m := range set {
		v, err := expr.Run(m.prog, env)
		if err != nil {
			return nil, fmt.Errorf("%s could not be computed: %v", m.key, err)
		}
		out[m.key] = v
	}
	return out, nil
}
