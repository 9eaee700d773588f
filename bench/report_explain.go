package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/reports"
)

// reportPlans are the PostgreSQL plans of both sides of one report, for a
// report far from its target.
type reportPlans struct {
	name         string
	engineSQL    string
	engine, hand string
	handSQL      []string
	engineVars   []any
}

// viewerAccess resolves what a principal may read for a report, as the
// engine does for RunReport: built-in sources for administrators, forms
// through the principal's roles.
type viewerAccess struct {
	e *engine.Engine
	p *engine.Principal
}

func (a viewerAccess) ReadAccess(form *forms.Compiled) (*forms.Access, error) {
	if reports.IsBuiltin(form) {
		if !a.p.IsAdmin() {
			return nil, fmt.Errorf("built-in sources are for administrators")
		}
		return forms.FullAccess(), nil
	}
	return a.e.AccessFor(a.p, form, "read")
}

// explainReport runs EXPLAIN ANALYZE on the statement the engine plans for
// c and on the hand-written one.
func explainReport(ctx context.Context, rd *reportData, c reportCase) (reportPlans, error) {
	out := reportPlans{name: c.name()}
	comp, err := rd.engine.Report(c.key)
	if err != nil {
		return out, err
	}
	p := c.principal(rd)
	q, err := reports.Plan(comp, reports.Request{Params: c.params}, reports.Viewer{Actor: p.Actor(), Access: viewerAccess{rd.engine, p}})
	if err != nil {
		return out, err
	}
	if out.engineSQL, out.engineVars, err = rd.engine.DB().RenderReport(q); err != nil {
		return out, err
	}
	if out.engine, err = explainPG(ctx, rd.pg, out.engineSQL, out.engineVars); err != nil {
		return out, fmt.Errorf("explain the engine's statement: %w", err)
	}
	h := &handDB{pg: rd.pg, explain: &handExplain{}}
	if _, err := c.hand(ctx, h, rd); err != nil {
		return out, fmt.Errorf("explain the hand-written statement: %w", err)
	}
	out.hand, out.handSQL = strings.Join(h.explain.plans, "\n\n"), h.explain.sqls
	return out, nil
}

// handExplain collects the plans of the hand-written side's statements
// instead of running them.
type handExplain struct {
	sqls, plans []string
}

// explainPG runs q with EXPLAIN (ANALYZE, BUFFERS) and returns the plan.
func explainPG(ctx context.Context, pool *pgxpool.Pool, q string, args []any) (string, error) {
	rows, err := pool.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+q, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return "", err
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n"), rows.Err()
}
