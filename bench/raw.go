package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// rawResult is one raw PostgreSQL baseline: what the machine and database
// allow before any HTTP or application code.
type rawResult struct {
	name    string
	workers int
	stats   stats
}

// rawBaselines measures a round trip (SELECT 1) and a single-row INSERT in
// its own transaction (one commit, one WAL flush), sequentially and with the
// benchmark's concurrency, straight through pgx.
func rawBaselines(ctx context.Context, pool *pgxpool.Pool, cfg config) ([]rawResult, error) {
	selectOne := func(int) error {
		var v int
		return pool.QueryRow(ctx, "SELECT 1").Scan(&v)
	}
	insert := func(k int) error {
		_, err := pool.Exec(ctx, "INSERT INTO hw_raw (v, t) VALUES ($1, $2)", int64(k), "raw baseline row")
		return err
	}
	runs := []struct {
		name    string
		workers int
		fn      func(int) error
	}{
		{"SELECT 1 round trip", 1, selectOne},
		{"single-row INSERT, autocommit", 1, insert},
		{"single-row INSERT, autocommit", cfg.workers, insert},
	}
	var out []rawResult
	for _, r := range runs {
		if _, err := runWorkers(ctx, r.workers, min(200, cfg.rawN), r.fn); err != nil {
			return nil, fmt.Errorf("raw %s warm-up: %w", r.name, err)
		}
		b, err := runWorkers(ctx, r.workers, cfg.rawN, r.fn)
		if err != nil {
			return nil, fmt.Errorf("raw %s: %w", r.name, err)
		}
		var acc sideRun
		acc.add(b)
		out = append(out, rawResult{name: r.name, workers: r.workers, stats: acc.stats()})
	}
	return out, nil
}
