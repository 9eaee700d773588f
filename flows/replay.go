package flows

import (
	"cmp"
	"slices"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// MaxReplayRecords bounds the records one replay runs over: each costs two
// dry runs, and the answer lists every record.
const MaxReplayRecords = 5000

// ReplayCase is one stored record to replay and who would submit it.
type ReplayCase struct {
	Record    forms.Record
	Submitter forms.Actor
}

// ReplayReport is what running a draft over stored records would change
// against the published version: per record the route under each, and the
// load on every node and approver.
type ReplayReport struct {
	Flow             string `json:"flow"`
	PublishedVersion int    `json:"published_version"`
	// Records is how many records were replayed; Changed how many of them
	// would take another route or go to other people under the draft.
	Records   int            `json:"records"`
	Changed   int            `json:"changed"`
	Items     []ReplayItem   `json:"items"`
	Nodes     []NodeLoad     `json:"nodes"`
	Approvers []ApproverLoad `json:"approvers"`
}

// ReplayItem is one record under both versions.
type ReplayItem struct {
	RecordID  int64 `json:"record_id"`
	Changed   bool  `json:"changed"`
	Published Route `json:"published"`
	Draft     Route `json:"draft"`
}

// Route is the short form of a dry run's path: the nodes passed in order,
// the approval tasks with who would get them, and how it ended.
type Route struct {
	Nodes   []string    `json:"nodes"`
	Tasks   []RouteTask `json:"tasks"`
	Outcome string      `json:"outcome,omitempty"`
	Stopped string      `json:"stopped,omitempty"`
}

// RouteTask is an approval node on a route and the users who would get a
// task there.
type RouteTask struct {
	Node      string  `json:"node"`
	Assignees []int64 `json:"assignees"`
}

// NodeLoad is how often the replayed records pass a node under each
// version. A node only one version has counts 0 under the other.
type NodeLoad struct {
	Node      string `json:"node"`
	Title     string `json:"title,omitempty"`
	Type      string `json:"type"`
	Published int    `json:"published"`
	Draft     int    `json:"draft"`
	Delta     int    `json:"delta"`
}

// ApproverLoad is how many approval tasks a user would get from the
// replayed records under each version. Name and Email are left for the
// caller to fill in: the flow knows users only by id.
type ApproverLoad struct {
	UserID    int64  `json:"user_id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	Published int    `json:"published"`
	Draft     int    `json:"draft"`
	Delta     int    `json:"delta"`
}

// Replay dry-runs published and draft (two versions of one flow, bound to
// the same form) on every case, and compares them: which records would
// route differently, and how the count of passes per node and of tasks per
// approver would move. Nothing is written. The error is the resolver's.
//
// Example:
//
//	rep, err := flows.Replay(live, draft, cases, engineResolver)
//	// rep.Approvers: [{user_id: 21, published: 3, draft: 7, delta: 4}, …]
func Replay(published, draft *Compiled, cases []ReplayCase, resolve Resolver) (*ReplayReport, error) {
	out := &ReplayReport{Flow: published.Flow.Key, PublishedVersion: published.Version, Records: len(cases),
		Items: make([]ReplayItem, 0, len(cases))}
	nodes := map[string]*NodeLoad{}
	approvers := map[int64]*ApproverLoad{}
	for _, rc := range cases {
		pub, err := published.DryRun(rc.Record, rc.Submitter, resolve)
		if err != nil {
			return nil, err
		}
		dr, err := draft.DryRun(rc.Record, rc.Submitter, resolve)
		if err != nil {
			return nil, err
		}
		item := ReplayItem{RecordID: rc.Record.ID(), Published: routeOf(pub), Draft: routeOf(dr)}
		item.Changed = !item.Published.equal(item.Draft)
		if item.Changed {
			out.Changed++
		}
		out.Items = append(out.Items, item)
		count(nodes, approvers, pub, func(l *NodeLoad) *int { return &l.Published }, func(l *ApproverLoad) *int { return &l.Published })
		count(nodes, approvers, dr, func(l *NodeLoad) *int { return &l.Draft }, func(l *ApproverLoad) *int { return &l.Draft })
	}
	out.Nodes = nodeLoads(nodes, draft, published)
	out.Approvers = approverLoads(approvers)
	return out, nil
}

// routeOf shortens a dry run's path to a route.
func routeOf(p *Path) Route {
	r := Route{Nodes: make([]string, 0, len(p.Steps)), Tasks: []RouteTask{}, Outcome: p.Outcome, Stopped: p.Stopped}
	for _, s := range p.Steps {
		r.Nodes = append(r.Nodes, s.Node)
		if s.Type == TypeApproval {
			r.Tasks = append(r.Tasks, RouteTask{Node: s.Node, Assignees: orNone(s.Assignees)})
		}
	}
	return r
}

func orNone(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

// equal reports whether two routes pass the same nodes in the same order,
// give the same tasks to the same people and end the same way.
func (r Route) equal(o Route) bool {
	return slices.Equal(r.Nodes, o.Nodes) && r.Outcome == o.Outcome && r.Stopped == o.Stopped &&
		slices.EqualFunc(r.Tasks, o.Tasks, func(a, b RouteTask) bool {
			return a.Node == b.Node && slices.Equal(a.Assignees, b.Assignees)
		})
}

// count adds one path's passes and tasks to the totals of one version,
// which at picks.
func count(nodes map[string]*NodeLoad, approvers map[int64]*ApproverLoad, p *Path,
	nodeAt func(*NodeLoad) *int, approverAt func(*ApproverLoad) *int) {
	for _, s := range p.Steps {
		l := nodes[s.Node]
		if l == nil {
			l = &NodeLoad{Node: s.Node, Title: s.Title, Type: s.Type}
			nodes[s.Node] = l
		}
		*nodeAt(l)++
		if s.Type != TypeApproval {
			continue
		}
		for _, id := range s.Assignees {
			a := approvers[id]
			if a == nil {
				a = &ApproverLoad{UserID: id}
				approvers[id] = a
			}
			*approverAt(a)++
		}
	}
}

// nodeLoads lists the node totals in the draft's node order, then the nodes
// only the published version has in its order, with their deltas.
func nodeLoads(nodes map[string]*NodeLoad, draft, published *Compiled) []NodeLoad {
	out := make([]NodeLoad, 0, len(nodes))
	for _, c := range []*Compiled{draft, published} {
		for _, n := range c.Flow.Nodes {
			l, ok := nodes[n.ID]
			if !ok {
				continue
			}
			delete(nodes, n.ID)
			if n.Title != "" {
				l.Title = n.Title
			}
			l.Type = n.Type
			l.Delta = l.Draft - l.Published
			out = append(out, *l)
		}
	}
	return out
}

// approverLoads lists the approver totals, the biggest change first.
func approverLoads(approvers map[int64]*ApproverLoad) []ApproverLoad {
	out := make([]ApproverLoad, 0, len(approvers))
	for _, a := range approvers {
		a.Delta = a.Draft - a.Published
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b ApproverLoad) int {
		return cmp.Or(cmp.Compare(abs(b.Delta), abs(a.Delta)), cmp.Compare(b.Draft, a.Draft), cmp.Compare(a.UserID, b.UserID))
	})
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
