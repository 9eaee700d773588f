package flows

import (
	"fmt"
	"slices"
	"strings"
)

// note: parallel paths must be well nested. The paths a split starts run on
// their own (through approvals, branches, actions, waits and nested
// split/join pairs) until they all meet at one join, which nothing outside
// those paths leads into. A reject inside a parallel path leaves it: its
// on_reject target is outside, and the other paths are cancelled.

// matcher pairs splits with joins.
type matcher struct {
	c      *compiler
	g      *graph
	state  map[int]int          // split → 1 matching, 2 done
	joinOf map[int]int          // split → its join, -1 when it has none
	region map[int]map[int]bool // split → the nodes on its parallel paths
	// touched are the joins some failed split reached; they are not reported
	// again as unmatched.
	touched map[int]bool
}

const (
	matching = 1
	matched  = 2
)

// matchSplits finds the join of every split and checks that every join
// closes exactly one split, is entered only from that split's paths, and
// waits for no more paths than the split starts.
func (c *compiler) matchSplits(g *graph) {
	m := &matcher{c: c, g: g, state: map[int]int{}, joinOf: map[int]int{},
		region: map[int]map[int]bool{}, touched: map[int]bool{}}
	for i, n := range g.nodes {
		if n.Type == TypeSplit {
			m.join(i)
		}
	}
	closes := map[int][]int{} // join → the splits it closes
	for s, j := range m.joinOf {
		if j >= 0 {
			closes[j] = append(closes[j], s)
		}
	}
	for j, n := range g.nodes {
		if n.Type != TypeJoin {
			continue
		}
		splits := closes[j]
		slices.Sort(splits)
		switch {
		case len(splits) == 0 && !m.touched[j]:
			c.add(fmt.Sprintf("/nodes/%d", j), CodeUnmatchedJoin, "join %q closes no split: no split's parallel paths all meet here", n.ID)
		case len(splits) == 1:
			m.checkJoin(splits[0], j)
		case len(splits) > 1:
			c.add(fmt.Sprintf("/nodes/%d", j), CodeUnmatchedJoin, "the paths of splits %s all meet at join %q; each split needs its own join", m.ids(splits), n.ID)
		}
	}
}

// join returns the join where the paths of split s meet, or -1 (reported).
func (m *matcher) join(s int) int {
	switch m.state[s] {
	case matched:
		return m.joinOf[s]
	case matching:
		m.c.add(fmt.Sprintf("/nodes/%d", s), CodeUnmatchedSplit, "split %q is reached again from its own parallel paths before they join", m.g.nodes[s].ID)
		m.joinOf[s], m.state[s] = -1, matched
		return -1
	}
	m.state[s] = matching
	region := map[int]bool{}
	found, ok := -1, true
	for _, e := range m.g.out[s] {
		if e.kind != edgeTarget {
			continue
		}
		joins, ends, innerFailed := m.walk(e.to, region)
		target := m.g.nodes[e.to].ID
		switch {
		case innerFailed:
			ok = false
		case len(ends) > 0:
			m.c.add(e.path, CodeUnmatchedSplit, "the path through %q reaches the end %q without meeting the other parallel paths at a join", target, m.g.nodes[ends[0]].ID)
			ok = false
		case len(joins) == 0:
			m.c.add(e.path, CodeUnmatchedSplit, "the path through %q never reaches a join", target)
			ok = false
		case len(joins) > 1:
			m.c.add(e.path, CodeUnmatchedSplit, "the path through %q reaches several joins (%s); the paths of a split meet at one join", target, m.ids(joins))
			ok = false
		case found >= 0 && joins[0] != found:
			m.c.add(e.path, CodeUnmatchedSplit, "the path through %q meets at join %q, an earlier path at join %q; the paths of a split meet at one join",
				target, m.g.nodes[joins[0]].ID, m.g.nodes[found].ID)
			ok = false
		default:
			found = joins[0]
		}
		for _, j := range joins {
			m.touched[j] = true
		}
	}
	if m.state[s] == matched { // note: reported as re-entered while walking.
		return -1
	}
	if !ok {
		found = -1
	}
	m.joinOf[s], m.region[s], m.state[s] = found, region, matched
	return found
}

// walk follows the forward edges from node `from` until joins and ends; a
// nested split is stepped over to the node after its own join. It adds the
// nodes passed to region and returns the joins and ends reached.
func (m *matcher) walk(from int, region map[int]bool) (joins, ends []int, innerFailed bool) {
	seen := map[int]bool{}
	stack := []int{from}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[i] {
			continue
		}
		seen[i] = true
		switch m.g.nodes[i].Type {
		case TypeJoin:
			joins = append(joins, i)
			continue
		case TypeEnd:
			ends = append(ends, i)
			continue
		case TypeSplit:
			region[i] = true
			j := m.join(i)
			if j < 0 {
				innerFailed = true
				continue
			}
			region[j], seen[j] = true, true
			i = j
		}
		region[i] = true
		for _, e := range m.g.out[i] {
			if e.forward() {
				stack = append(stack, e.to)
			}
		}
	}
	slices.Sort(joins)
	slices.Sort(ends)
	return joins, ends, innerFailed
}

// checkJoin checks join j, which closes split s.
func (m *matcher) checkJoin(s, j int) {
	n := m.g.nodes[j]
	m.c.out.nodes[m.g.nodes[s].ID].join = n.ID
	m.c.out.nodes[n.ID].split = m.g.nodes[s].ID
	for p := range m.g.nodes {
		for _, e := range m.g.out[p] {
			if e.to != j {
				continue
			}
			switch {
			case !e.forward():
				m.c.add(e.path, CodeUnmatchedJoin, "a reject cannot lead into join %q; it leaves the parallel paths", n.ID)
			case !m.region[s][p]:
				m.c.add(e.path, CodeUnmatchedJoin, "node %q is not on the parallel paths of split %q, so it cannot lead into their join %q",
					m.g.nodes[p].ID, m.g.nodes[s].ID, n.ID)
			}
		}
	}
	paths := 0
	for _, e := range m.g.out[s] {
		if e.kind == edgeTarget {
			paths++
		}
	}
	if n.Join == JoinN && n.N != 0 && (n.N < 1 || n.N > paths) {
		m.c.add(fmt.Sprintf("/nodes/%d/n", j), CodeJoinArity, "join %q waits for %d paths, but split %q starts %d", n.ID, n.N, m.g.nodes[s].ID, paths)
	}
}

func (m *matcher) ids(idx []int) string {
	ids := make([]string, len(idx))
	for k, i := range idx {
		ids[k] = fmt.Sprintf("%q", m.g.nodes[i].ID)
	}
	return strings.Join(ids, ", ")
}
