package main

import (
	"context"
	"fmt"
	"log"
	"time"
)

// growth is the list page measured at two sizes of the same tables: first
// at -growth-from orders, then, after the tables grew, at -records (the main
// list scenario).
type growth struct {
	small, large int
	atSmall      comparison
	grewIn       time.Duration // seeding the difference, both sides, VACUUM ANALYZE included
}

// measureGrowth runs the list scenario on the small tables, then grows both
// order tables to cfg.records.
func measureGrowth(ctx context.Context, env *benchEnv, d *driver, cfg config) (*growth, error) {
	g := &growth{small: cfg.firstRecords(), large: cfg.records}
	s := scenarioByKey(env, keyList)
	log.Printf("scenario %q at %d orders (growth)", s.name, g.small)
	var err error
	if g.atSmall, err = d.compare(ctx, s, cfg); err != nil {
		return nil, fmt.Errorf("%s at %d: %w", s.name, g.small, err)
	}
	log.Printf("growing both order tables from %d to %d orders", g.small, g.large)
	started := time.Now()
	if err := seedOrders(ctx, env.pool, g.small+1, g.large, env.admin.ID, env.rep.ID, int64(env.orderForm.Version),
		env.customers, env.products); err != nil {
		return nil, err
	}
	g.grewIn = time.Since(started)
	log.Printf("grew in %s", g.grewIn.Round(time.Second))
	err = env.pool.QueryRow(ctx, "SELECT count(*) FROM f_order WHERE owner = $1", env.rep.ID).Scan(&env.repOrders)
	return g, err
}
