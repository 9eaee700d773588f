package main

import (
	"context"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/reports"
)

// The parameters the reports run with: the sales dashboard's default
// period, and for the overdue receivables the orders of more than 60 days
// before the seed's end.
const (
	periodFrom = "2026-01-01"
	periodTo   = "2027-01-01"
)

var unpaidBefore = reportNow.AddDate(0, 0, -60).Format("2006-01-02")

// reportTarget is the goal for the engine's p50 over the hand-written one's.
const reportTarget = 1.2

// reportCase is one example report run by both sides: the engine's
// RunReport with params, as the admin or a sales rep, and the hand-written
// query computing the same figures.
type reportCase struct {
	key    string
	asRep  bool
	params map[string]any
	hand   func(ctx context.Context, h *handDB, rd *reportData) (*figures, error)
}

// name is how results show the case.
func (c reportCase) name() string {
	if c.asRep {
		return c.key + " (sales rep)"
	}
	return c.key
}

// principal is who the engine runs the case as.
func (c reportCase) principal(rd *reportData) *engine.Principal {
	if c.asRep {
		return rd.rep
	}
	return rd.admin
}

// runEngine runs the case through the engine, in process.
func (c reportCase) runEngine(ctx context.Context, rd *reportData) (*reports.Result, error) {
	return rd.engine.RunReport(ctx, c.principal(rd), c.key, reports.Request{Params: c.params})
}

// reportCases are the example's reports, each once, and the row-scoped
// case: the revenue report as a sales rep, whose role sees the orders they
// own.
func reportCases() []reportCase {
	period := map[string]any{"from": periodFrom, "to": periodTo}
	return []reportCase{
		{key: "sales_revenue", params: period, hand: func(ctx context.Context, h *handDB, _ *reportData) (*figures, error) {
			return h.salesRevenue(ctx, periodFrom, periodTo, 0)
		}},
		{key: "sales_revenue", asRep: true, params: period, hand: func(ctx context.Context, h *handDB, rd *reportData) (*figures, error) {
			return h.salesRevenue(ctx, periodFrom, periodTo, rd.rep.User.ID)
		}},
		{key: "sales_average_order", params: period, hand: func(ctx context.Context, h *handDB, _ *reportData) (*figures, error) {
			return h.averageOrder(ctx, periodFrom, periodTo)
		}},
		{key: "sales_funnel", hand: func(ctx context.Context, h *handDB, _ *reportData) (*figures, error) {
			return h.funnel(ctx, 0)
		}},
		{key: "sales_top_customers", params: period, hand: func(ctx context.Context, h *handDB, _ *reportData) (*figures, error) {
			return h.topCustomers(ctx, periodFrom, periodTo)
		}},
		{key: "finance_receivables", hand: func(ctx context.Context, h *handDB, _ *reportData) (*figures, error) {
			return h.receivables(ctx)
		}},
		{key: "finance_unpaid", params: map[string]any{"before": unpaidBefore},
			hand: func(ctx context.Context, h *handDB, _ *reportData) (*figures, error) {
				return h.unpaid(ctx, unpaidBefore)
			}},
		{key: "finance_payment_cycle", hand: func(ctx context.Context, h *handDB, _ *reportData) (*figures, error) {
			return h.paymentCycle(ctx)
		}},
		{key: "delivery_orders_by_status", hand: func(ctx context.Context, h *handDB, _ *reportData) (*figures, error) {
			return h.ordersByStatus(ctx)
		}},
		{key: "delivery_margin", hand: func(ctx context.Context, h *handDB, _ *reportData) (*figures, error) {
			return h.margin(ctx)
		}},
		{key: "operations_approval_time", hand: func(ctx context.Context, h *handDB, _ *reportData) (*figures, error) {
			return h.approvalTime(ctx)
		}},
		{key: "operations_bottlenecks", hand: func(ctx context.Context, h *handDB, _ *reportData) (*figures, error) {
			return h.bottlenecks(ctx, time.Now().UTC())
		}},
	}
}
