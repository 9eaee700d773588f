package engine

import (
	"sort"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// Snapshot is the immutable set of compiled, published definitions the engine
// serves from. Publishing builds a new snapshot and swaps it in atomically;
// requests in flight keep the one they started with.
type Snapshot struct {
	forms map[string]*forms.Compiled
}

func newSnapshot() *Snapshot { return &Snapshot{forms: map[string]*forms.Compiled{}} }

// Form returns the live version of a form.
func (s *Snapshot) Form(key string) (*forms.Compiled, bool) {
	c, ok := s.forms[key]
	return c, ok
}

// HasForm reports whether a form is published.
func (s *Snapshot) HasForm(key string) bool {
	_, ok := s.forms[key]
	return ok
}

// Forms lists the live forms ordered by key.
func (s *Snapshot) Forms() []*forms.Compiled {
	out := make([]*forms.Compiled, 0, len(s.forms))
	for _, c := range s.forms {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Form.Key < out[j].Form.Key })
	return out
}

// withForm returns a copy of s with c in place of its previous version.
func (s *Snapshot) withForm(c *forms.Compiled) *Snapshot {
	next := &Snapshot{forms: make(map[string]*forms.Compiled, len(s.forms)+1)}
	for k, v := range s.forms {
		next.forms[k] = v
	}
	next.forms[c.Form.Key] = c
	return next
}

// formSet answers "does this form exist" for a batch being compiled together
// with what is already live.
type formSet struct {
	live  *Snapshot
	batch map[string]bool
}

func (f formSet) HasForm(key string) bool { return f.batch[key] || f.live.HasForm(key) }
