package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/rbac"
	"github.com/mosaic-lowcode/mosaic/store"
)

// MaxUpsertRows bounds one bulk upsert.
const MaxUpsertRows = 1000

// UpsertRow is what a bulk upsert did with one row of its list.
type UpsertRow struct {
	Index  int    `json:"index"`
	ID     int64  `json:"id"`
	Action string `json:"action"` // created or updated
}

// UpsertResult is the answer of a bulk upsert that committed.
type UpsertResult struct {
	Key     string      `json:"key"`
	Created int         `json:"created"`
	Updated int         `json:"updated"`
	Items   []UpsertRow `json:"items"`
}

// UpsertRecords creates or updates, for p, one record of f per row,
// matching existing records by the unique field key (empty: the form's
// first key field). It is all or nothing: when any row fails, nothing is
// written and the error lists every row's problems at /records/<index>/….
// Each row is checked against p's permissions: create for a new record,
// update (within p's rows) for an existing one.
func (e *Engine) UpsertRecords(ctx context.Context, p *Principal, f *forms.Compiled, key string, rows []map[string]any) (*UpsertResult, error) {
	kf, err := upsertKey(f, key)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || len(rows) > MaxUpsertRows {
		return nil, invalid("/records", fmt.Sprintf("send between 1 and %d records", MaxUpsertRows))
	}
	values, problems := upsertValues(kf, rows)
	if len(problems) > 0 {
		return nil, &forms.ProblemList{Subject: "request", Problems: problems}
	}
	createAcc, createErr := e.AccessFor(p, f, rbac.ActCreate)
	updateAcc, updateErr := e.AccessFor(p, f, rbac.ActUpdate)
	if createErr != nil && updateErr != nil {
		return nil, fmt.Errorf("%w: you may neither create nor update %s records", store.ErrForbidden, f.Form.Key)
	}
	res := &UpsertResult{Key: kf.Key, Items: make([]UpsertRow, 0, len(rows))}
	err = e.db.WithTx(ctx, func(ctx context.Context) error {
		ids, err := e.records.IDsByKey(ctx, f, kf, values)
		if err != nil {
			return err
		}
		for i, row := range rows {
			base := fmt.Sprintf("/records/%d", i)
			id, exists := ids[values[i]]
			var rec forms.Record
			switch {
			case exists && updateErr != nil:
				problems = append(problems, rowProblem(base, "forbidden", "a record with %s %q exists and you may not update %s records", kf.Key, values[i], f.Form.Key))
				continue
			case !exists && createErr != nil:
				problems = append(problems, rowProblem(base, "forbidden", "no record has %s %q and you may not create %s records", kf.Key, values[i], f.Form.Key))
				continue
			case exists:
				// note: the key matched, so it is not a change; leaving it out
				// lets a role that may not write the key still update the rest.
				input := maps.Clone(row)
				delete(input, kf.Key)
				rec, err = e.UpdateRecord(ctx, p, f, id, 0, forms.Write{Input: input, Actor: p.Actor(), Access: updateAcc})
			default:
				rec, err = e.CreateRecord(ctx, p, f, forms.Write{Input: row, Actor: p.Actor(), Access: createAcc})
			}
			if err != nil {
				more, ok := rowProblems(base, err)
				if !ok {
					return err
				}
				problems = append(problems, more...)
				if e.db.Dialect() == store.Postgres && !isValidation(err) {
					break // note: a failed statement ends a PostgreSQL transaction; later rows cannot be tried
				}
				continue
			}
			if exists {
				res.Updated++
				res.Items = append(res.Items, UpsertRow{Index: i, ID: rec.ID(), Action: "updated"})
			} else {
				res.Created++
				res.Items = append(res.Items, UpsertRow{Index: i, ID: rec.ID(), Action: "created"})
				ids[values[i]] = rec.ID()
			}
		}
		if len(problems) > 0 {
			return &forms.ProblemList{Subject: "request", Problems: problems}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// upsertKey resolves the field records are matched by.
func upsertKey(f *forms.Compiled, key string) (*forms.CField, error) {
	fields := f.KeyFields()
	if len(fields) == 0 {
		return nil, invalid("/key", fmt.Sprintf(`form %s has no field records can be matched by; mark a text field "unique": true (an external id) and publish the form`, f.Form.Key))
	}
	if key == "" {
		return fields[0], nil
	}
	var names []string
	for _, kf := range fields {
		if kf.Key == key {
			return kf, nil
		}
		names = append(names, kf.Key)
	}
	return nil, invalid("/key", fmt.Sprintf("%q is not a unique text field of %s; use one of %s", key, f.Form.Key, strings.Join(names, ", ")))
}

// upsertValues reads each row's key value; a missing or repeated one is a
// problem of its row.
func upsertValues(kf *forms.CField, rows []map[string]any) ([]string, []forms.Problem) {
	values := make([]string, len(rows))
	first := map[string]int{}
	var problems []forms.Problem
	for i, row := range rows {
		path := fmt.Sprintf("/records/%d/%s", i, kf.Key)
		s, ok := row[kf.Key].(string)
		if !ok || strings.TrimSpace(s) == "" {
			problems = append(problems, rowProblem(path, forms.CodeRequired, "every record needs %s, which matches it to an existing record", kf.Key))
			continue
		}
		if j, dup := first[s]; dup {
			problems = append(problems, rowProblem(path, forms.CodeInvalidValue, "%s %q is also in record %d; send each record once", kf.Key, s, j))
			continue
		}
		first[s], values[i] = i, s
	}
	return values, problems
}

func rowProblem(path, code, format string, args ...any) forms.Problem {
	return forms.Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...)}
}

// rowProblems turns a row's error into problems under base; false for an
// error that is not the row's fault.
func rowProblems(base string, err error) ([]forms.Problem, bool) {
	var pl *forms.ProblemList
	if errors.As(err, &pl) {
		out := make([]forms.Problem, len(pl.Problems))
		for i, pr := range pl.Problems {
			pr.Path = base + pr.Path
			out[i] = pr
		}
		return out, true
	}
	for _, kind := range []error{store.ErrConflict, store.ErrNotFound, store.ErrForbidden, store.ErrInvalid} {
		if errors.Is(err, kind) {
			return []forms.Problem{rowProblem(base, strings.ReplaceAll(kind.Error(), " ", "_"), "%s", publicMessage(err))}, true
		}
	}
	return nil, false
}

func isValidation(err error) bool {
	var pl *forms.ProblemList
	return errors.As(err, &pl)
}

// publicMessage is the part of a sentinel error meant for people: what
// follows its kind, without the driver's words a constraint error carries.
func publicMessage(err error) string {
	msg := err.Error()
	if _, rest, ok := strings.Cut(msg, ": "); ok {
		msg = rest
	}
	if i := strings.Index(msg, ": "); i > 0 && (strings.Contains(msg, "SQLSTATE") || strings.Contains(msg, "constraint failed")) {
		msg = msg[:i]
	}
	return msg
}
