package main

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// approvalFlow is the benchmark's flow definition, published beside the
// example's flows.
//
//go:embed approval-flow.json
var approvalFlow []byte

// The approvers of the benchmark's flow: one user per level, holding the
// level's role.
const (
	sdEmail    = "sd@example.com"
	sdPassword = "bench-password-3"
	fdEmail    = "fd@example.com"
	fdPassword = "bench-password-4"
)

// directors are the signed-in approvers of the two levels.
type directors struct {
	sd, fd           *store.User
	sdToken, fdToken string
}

// publishApprovalFlow publishes bench/approval-flow.json in the engine.
func publishApprovalFlow(ctx context.Context, e *engine.Engine) error {
	if _, err := e.Import(ctx, [][]byte{approvalFlow}, engine.PublishOptions{}, forms.Actor{}); err != nil {
		return fmt.Errorf("publish bench/approval-flow.json: %w", err)
	}
	return nil
}

// addDirectors creates and signs in the sales director and the finance
// director.
func (env *benchEnv) addDirectors(ctx context.Context) error {
	var err error
	d := &env.directors
	for _, u := range []struct {
		email, name, password, role string
		user                        **store.User
		token                       *string
	}{
		{sdEmail, "Bench Sales Director", sdPassword, handLevels[0].role, &d.sd, &d.sdToken},
		{fdEmail, "Bench Finance Director", fdPassword, handLevels[1].role, &d.fd, &d.fdToken},
	} {
		if *u.user, err = env.engine.CreateUser(ctx, u.email, u.name, u.password, u.role); err != nil {
			return fmt.Errorf("create %s: %w", u.role, err)
		}
		if *u.token, _, err = env.engine.Login(ctx, u.email, u.password, "bench"); err != nil {
			return fmt.Errorf("%s login: %w", u.role, err)
		}
	}
	return nil
}

// draftOrders lists the seeded draft orders of the admin, which the
// approval scenarios submit: the same ids, with the same values, in both
// order tables.
func draftOrders(ctx context.Context, pool *pgxpool.Pool, admin int64, seeded, need int) ([]int64, error) {
	rows, err := pool.Query(ctx, `SELECT e.id FROM f_order e JOIN hw_order h ON h.id = e.id
		WHERE e.id <= $1 AND e.owner = $2 AND h.owner = $2 AND e.status = 'draft' AND h.status = 'draft'
			AND e.flow_status = '' AND h.flow_status = ''
		ORDER BY e.id LIMIT $3`, seeded, admin, need)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ids) < need {
		return nil, fmt.Errorf("the approval scenarios need %d draft orders of the seed and -records %d gives %d: "+
			"raise -records or lower -flow-n and -decide-n", need, seeded, len(ids))
	}
	return ids, nil
}
