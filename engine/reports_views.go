package engine

import (
	"fmt"

	"github.com/mosaic-lowcode/mosaic/reports"
	"github.com/mosaic-lowcode/mosaic/store"
)

// ReportSummaries lists the live reports p may see, by key: those whose
// source p may read (built-in sources: administrators only). A report
// using a field p may not read is listed with Forbidden saying which, so
// the studio can tell why it is greyed out.
func (e *Engine) ReportSummaries(p *Principal) ([]*reports.Summary, error) {
	v, err := e.viewer(p)
	if err != nil {
		return nil, err
	}
	snap := e.Snapshot()
	out := []*reports.Summary{}
	for _, c := range snap.Reports() {
		c, err := freshReport(snap, c)
		if err != nil {
			continue // note: Engine.Report says to republish it.
		}
		s, err := reports.Summarize(c, v)
		if err != nil {
			return nil, err
		}
		if s.SourceReadable() {
			out = append(out, s)
		}
	}
	return out, nil
}

// DescribeReport is the live report key as p sees it before running it:
// its parameters, the columns a run gives, the drill path. A report whose
// source p may not read is refused (store.ErrForbidden).
func (e *Engine) DescribeReport(p *Principal, key string) (*reports.Description, error) {
	c, err := e.Report(key)
	if err != nil {
		return nil, err
	}
	v, err := e.viewer(p)
	if err != nil {
		return nil, err
	}
	d, err := reports.Describe(c, v)
	if err != nil {
		return nil, err
	}
	if !d.SourceReadable() {
		return nil, fmt.Errorf("%w: %s", store.ErrForbidden, d.Forbidden.Message)
	}
	return d, nil
}
