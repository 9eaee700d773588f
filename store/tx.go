package store

import (
	"context"
	"database/sql"

	"gorm.io/gorm"
)

type txKey struct{}

type txState struct {
	db          *DB
	gorm        *gorm.DB
	afterCommit []func()
	// audits and notices wait for the end of the transaction, to be
	// inserted with one statement each: a flow transition writes several.
	audits  []*AuditEntry
	notices []*Notification
}

// pending returns the transaction of ctx on db, whose audit entries and
// notices are inserted when it ends.
func (db *DB) pending(ctx context.Context) (*txState, bool) {
	tx, ok := ctx.Value(txKey{}).(*txState)
	return tx, ok && tx.db == db
}

// flush inserts what the transaction kept for its end, in the order it was
// added.
func (db *DB) flush(ctx context.Context, tx *txState) error {
	if len(tx.notices) > 0 {
		if err := db.conn(ctx).CreateInBatches(tx.notices, 500).Error; err != nil {
			return translate(err)
		}
	}
	per := db.maxBound() / auditColumns
	for rest := tx.audits; len(rest) > 0; {
		n := min(len(rest), per)
		if err := db.insertAudits(ctx, rest[:n]); err != nil {
			return err
		}
		rest = rest[n:]
	}
	tx.audits, tx.notices = nil, nil
	return nil
}

// WithTx runs fn in a transaction carried by the context it is given; every
// store call made with that context joins it. A nested WithTx joins the outer
// transaction. fn's error rolls everything back; functions registered with
// AfterCommit run only once the outermost transaction has committed.
func (db *DB) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if tx, ok := ctx.Value(txKey{}).(*txState); ok && tx.db == db {
		return fn(ctx)
	}
	state := &txState{db: db}
	err := db.gorm.WithContext(ctx).Transaction(func(g *gorm.DB) error {
		state.gorm = g
		txCtx := context.WithValue(ctx, txKey{}, state)
		if err := fn(txCtx); err != nil {
			return err
		}
		return db.flush(txCtx, state)
	})
	if err != nil {
		return translate(err)
	}
	for _, f := range state.afterCommit {
		f()
	}
	return nil
}

// AfterCommit registers f to run after the transaction in ctx commits, or at
// once when ctx carries no transaction. Use it for in-memory effects (swapping
// the registry, waking workers) that must not happen if the write rolls back.
func AfterCommit(ctx context.Context, f func()) {
	if tx, ok := ctx.Value(txKey{}).(*txState); ok {
		tx.afterCommit = append(tx.afterCommit, f)
		return
	}
	f()
}

// InTx reports whether ctx carries a transaction.
func InTx(ctx context.Context) bool {
	_, ok := ctx.Value(txKey{}).(*txState)
	return ok
}

// SQLTx returns the database/sql transaction ctx carries, for libraries
// that must write in it (the job queue enqueues in the transaction of the
// transition that schedules the job).
func (db *DB) SQLTx(ctx context.Context) (*sql.Tx, bool) {
	tx, ok := ctx.Value(txKey{}).(*txState)
	if !ok || tx.db != db {
		return nil, false
	}
	sqlTx, ok := tx.gorm.Statement.ConnPool.(*sql.Tx)
	return sqlTx, ok
}

// SQLDB is the connection pool under db, for libraries that run their own
// statements (the job queue).
func (db *DB) SQLDB() (*sql.DB, error) { return db.gorm.DB() }
