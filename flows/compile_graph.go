package flows

import (
	"fmt"
	"strings"
)

// edgeKind says how a node leads to the next.
type edgeKind int

const (
	edgeNext    edgeKind = iota // next of start, approval (approve), cc, action, wait, subflow, join
	edgeBranch                  // a branch's condition holds
	edgeDefault                 // no branch condition holds
	edgeTarget                  // a parallel path of a split
	edgeReject                  // an approval is rejected
)

// edge is one arrow of the flow graph.
type edge struct {
	to   int
	kind edgeKind
	path string // JSON pointer of the reference, e.g. /nodes/3/branches/0/next
}

// conditional reports whether taking e depends on a condition or a decision
// other than approve: a cycle must pass through such an edge.
func (e edge) conditional() bool {
	return e.kind == edgeBranch || e.kind == edgeDefault || e.kind == edgeReject
}

// forward reports whether e is part of the normal path of an instance, which
// parallel paths follow to their join; a reject leaves the parallel paths.
func (e edge) forward() bool { return e.kind != edgeReject }

// graph is the flow as indexes, built once every reference is known good.
type graph struct {
	nodes []*Node
	out   [][]edge
	start int
}

// buildGraph resolves every reference; it returns nil when one is unknown or
// missing, or the ids, types, start or ends are wrong (c.broken), since graph
// checks would then only repeat those mistakes.
func (c *compiler) buildGraph() *graph {
	g := &graph{nodes: make([]*Node, len(c.f.Nodes)), out: make([][]edge, len(c.f.Nodes))}
	ok := true
	ref := func(from int, id, path string, kind edgeKind) {
		if id == "" {
			return // note: a missing reference is reported with the node's settings.
		}
		to, found := c.out.nodes[id]
		if !found {
			c.add(path, CodeUnknownNode, "there is no node %q in this flow", id)
			ok = false
			return
		}
		g.out[from] = append(g.out[from], edge{to: to.index, kind: kind, path: path})
	}
	for i := range c.f.Nodes {
		n := &c.f.Nodes[i]
		g.nodes[i] = n
		path := fmt.Sprintf("/nodes/%d", i)
		switch n.Type {
		case TypeBranch:
			for j, b := range n.Branches {
				ref(i, b.Next, fmt.Sprintf("%s/branches/%d/next", path, j), edgeBranch)
			}
			ref(i, n.Default, path+"/default", edgeDefault)
		case TypeSplit:
			for j, t := range n.Targets {
				ref(i, t, fmt.Sprintf("%s/targets/%d", path, j), edgeTarget)
			}
		case TypeEnd:
		default:
			ref(i, n.Next, path+"/next", edgeNext)
		}
		if n.Type == TypeApproval && n.Approval != nil {
			ref(i, n.Approval.OnReject, path+"/approval/on_reject", edgeReject)
		}
	}
	if !ok || c.broken || c.out.start == nil {
		return nil
	}
	g.start = c.out.start.index
	return g
}

// checkGraph runs the checks on the shape of the flow.
func (c *compiler) checkGraph(g *graph) {
	reach := g.reachable(g.start)
	live := g.reachesEnd()
	for i, n := range g.nodes {
		path := fmt.Sprintf("/nodes/%d", i)
		if !reach[i] {
			c.add(path, CodeUnreachableNode, "no path leads from the start to node %q", n.ID)
		}
		if !live[i] {
			c.add(path, CodeDeadEnd, "no path leads from node %q to an end", n.ID)
		}
	}
	c.checkCycles(g)
	c.matchSplits(g)
}

// reachable marks the nodes some path from `from` reaches.
func (g *graph) reachable(from int) []bool {
	seen := make([]bool, len(g.nodes))
	stack := []int{from}
	seen[from] = true
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, e := range g.out[i] {
			if !seen[e.to] {
				seen[e.to] = true
				stack = append(stack, e.to)
			}
		}
	}
	return seen
}

// reachesEnd marks the nodes from which some path reaches an end node.
func (g *graph) reachesEnd() []bool {
	in := make([][]int, len(g.nodes))
	var stack []int
	live := make([]bool, len(g.nodes))
	for i, n := range g.nodes {
		for _, e := range g.out[i] {
			in[e.to] = append(in[e.to], i)
		}
		if n.Type == TypeEnd {
			live[i] = true
			stack = append(stack, i)
		}
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, p := range in[i] {
			if !live[p] {
				live[p] = true
				stack = append(stack, p)
			}
		}
	}
	return live
}

// checkCycles reports every cycle made only of unconditional edges (next and
// split targets): an instance entering it would never leave. Each is
// reported once, at the reference that closes it.
func (c *compiler) checkCycles(g *graph) {
	const (
		white = iota
		grey
		black
	)
	color := make([]int, len(g.nodes))
	var stack []int
	var visit func(i int)
	visit = func(i int) {
		color[i] = grey
		stack = append(stack, i)
		for _, e := range g.out[i] {
			if e.conditional() {
				continue
			}
			switch color[e.to] {
			case white:
				visit(e.to)
			case grey:
				c.add(e.path, CodeUnconditionalCycle, "%s: this loop has no branch condition or reject to leave it by", g.cycleWords(stack, e.to))
			}
		}
		stack = stack[:len(stack)-1]
		color[i] = black
	}
	for i := range g.nodes {
		if color[i] == white {
			visit(i)
		}
	}
}

// cycleWords names the cycle that returns to node to: "a → b → a".
func (g *graph) cycleWords(stack []int, to int) string {
	var ids []string
	for k := len(stack) - 1; k >= 0; k-- {
		ids = append([]string{g.nodes[stack[k]].ID}, ids...)
		if stack[k] == to {
			break
		}
	}
	return strings.Join(append(ids, g.nodes[to].ID), " → ")
}
