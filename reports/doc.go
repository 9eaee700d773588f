// Package reports will hold report and dashboard definitions, their query
// planner (to SQL), drill-down and export (see DESIGN.md, Reports and
// dashboards). It is built by the report-engine issue; until then it holds no
// code.
package reports
