package forms

import (
	"fmt"
	"strings"

	"github.com/mosaic-lowcode/mosaic/store"
)

// Limits on one list sort.
const (
	maxSortKeys  = 5
	maxSortBytes = 500
)

// SortError reports a sort spec that cannot be used. Column is the 1-based
// position in the spec of the offending key, or 0. It wraps store.ErrInvalid.
type SortError struct {
	Message string
	Column  int
}

// Error renders the problem as "sort: message (column N)".
func (e *SortError) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("sort: %s (column %d)", e.Message, e.Column)
	}
	return "sort: " + e.Message
}

// Unwrap makes errors.Is(err, store.ErrInvalid) hold for a SortError.
func (e *SortError) Unwrap() error { return store.ErrInvalid }

// Sort turns a sort spec, comma-separated keys each optionally prefixed with
// "-" for descending (or "+"), into sort orders. Keys are system columns and
// fields with a column of their own, except those holding lists or
// documents (multi-selects, multiple relations, attachments); at most
// maxSortKeys, each once. id is appended as the tie-breaker, in the
// direction of the last key, unless the spec names it, so pagination is
// stable. An empty spec sorts newest first (-id). Any problem is a
// *SortError.
//
// Example:
//
//	orders, err := c.Sort("-amount,created_at") // amount DESC, created_at, id
//	orders, err = c.Sort("-amount")             // amount DESC, id DESC
func (c *Compiled) Sort(spec string) ([]store.Order, error) { return c.SortAs(spec, nil) }

// SortAs is Sort for a caller with access acc: fields acc hides are unknown.
func (c *Compiled) SortAs(spec string, acc *Access) ([]store.Order, error) {
	if strings.TrimSpace(spec) == "" {
		return []store.Order{{Column: "id", Desc: true}}, nil
	}
	if len(spec) > maxSortBytes {
		return nil, &SortError{Message: fmt.Sprintf("the sort is too long (at most %d bytes)", maxSortBytes)}
	}
	parts := strings.Split(spec, ",")
	if len(parts) > maxSortKeys {
		return nil, &SortError{Message: fmt.Sprintf("sort by at most %d keys", maxSortKeys)}
	}
	orders := make([]store.Order, 0, len(parts)+1)
	seen := map[string]bool{}
	pos := 1
	for _, part := range parts {
		o, key, err := c.sortKey(part, pos, acc)
		if err != nil {
			return nil, err
		}
		if seen[key] {
			return nil, &SortError{Message: fmt.Sprintf("%s appears twice in the sort", key), Column: pos}
		}
		seen[key] = true
		orders = append(orders, o)
		pos += len(part) + 1
	}
	if !seen["id"] {
		// note: the tie-breaker runs the way the last key does, so an index
		// ending in id (as a form's declared indexes do) gives the whole order
		// in one walk; against the grain, every run of equal values (a busy
		// day under -order_date) would be sorted again on each page.
		orders = append(orders, store.Order{Column: "id", Desc: orders[len(orders)-1].Desc})
	}
	return orders, nil
}

// sortKey parses one key of a sort spec that starts at position pos.
func (c *Compiled) sortKey(part string, pos int, acc *Access) (store.Order, string, error) {
	col := pos + len(part) - len(strings.TrimLeft(part, " \t"))
	key := strings.TrimSpace(part)
	desc := false
	switch {
	case strings.HasPrefix(key, "-"):
		desc, key = true, strings.TrimSpace(key[1:])
	case strings.HasPrefix(key, "+"):
		key = strings.TrimSpace(key[1:])
	}
	if key == "" {
		return store.Order{}, "", &SortError{Message: "empty sort key; write keys such as -amount,created_at", Column: col}
	}
	fc, msg := c.filterColumn(key, acc)
	if fc == nil {
		return store.Order{}, "", &SortError{Message: msg, Column: col}
	}
	if fc.class == classList || fc.class == classJSON {
		return store.Order{}, "", &SortError{Message: fmt.Sprintf("%s holds a list and cannot be sorted", key), Column: col}
	}
	return store.Order{Column: fc.col, Desc: desc}, key, nil
}
