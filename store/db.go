package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the SQL database family behind a DB.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is Mosaic's handle on its database. It is safe for concurrent use.
type DB struct {
	gorm    *gorm.DB
	dialect Dialect
	debug   atomic.Bool
	log     atomic.Pointer[slog.Logger] // set by Debug
}

// Open connects to dsn: a postgres:// (or postgresql://) URL selects
// PostgreSQL, anything else is taken as the path of an SQLite file, which is
// created with its folder if missing and opened in WAL mode.
//
// Example:
//
//	db, err := store.Open(ctx, "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
//	db, err := store.Open(ctx, "./mosaic_data/mosaic.db")
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg := &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		PrepareStmt:            false,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		g, err := gorm.Open(postgres.Open(withConnectTimeout(dsn)), cfg)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		sqlDB, err := g.DB()
		if err != nil {
			return nil, err
		}
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(20)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		if err := sqlDB.PingContext(ctx); err != nil {
			return nil, fmt.Errorf("postgres at %s does not answer: %w", redactDSN(dsn), err)
		}
		return &DB{gorm: g, dialect: Postgres}, nil
	}
	if dir := filepath.Dir(dsn); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create data folder: %w", err)
		}
	}
	// note: one connection serialises writers, which is what SQLite does anyway;
	// it rules out SQLITE_BUSY between our own transactions.
	full := "file:" + dsn + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	g, err := gorm.Open(sqlite.Open(full), cfg)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(1)
	if err := sqlDB.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
	}
	return &DB{gorm: g, dialect: SQLite}, nil
}

// Dialect reports which database family db talks to.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close releases the connections.
func (db *DB) Close() error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Debug makes db log every statement through slog; tests turn it on with
// MOSAIC_SQL_LOG=1.
func (db *DB) Debug() {
	db.log.Store(slog.Default())
	db.debug.Store(true)
	db.gorm.Logger = logger.NewSlogLogger(slog.Default(), logger.Config{LogLevel: logger.Info})
}

// withConnectTimeout bounds each connection attempt unless the DSN says
// otherwise: with PostgreSQL down or unreachable, a request fails in seconds
// instead of hanging on the dial.
func withConnectTimeout(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	if q.Get("connect_timeout") != "" {
		return dsn
	}
	q.Set("connect_timeout", "5")
	u.RawQuery = q.Encode()
	return u.String()
}

func redactDSN(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 {
		return dsn
	}
	return dsn[:scheme+3] + "…" + dsn[at:]
}

// conn returns the transaction carried by ctx, or the pool.
func (db *DB) conn(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*txState); ok && tx.db == db {
		return tx.gorm.WithContext(ctx)
	}
	return db.gorm.WithContext(ctx)
}

// translate maps driver errors to the package's sentinel kinds.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"),
		strings.Contains(msg, "SQLSTATE 23505"):
		return fmt.Errorf("%w: a record with this value already exists: %v", ErrConflict, err)
	case strings.Contains(msg, "FOREIGN KEY constraint failed"),
		strings.Contains(msg, "SQLSTATE 23503"):
		return fmt.Errorf("%w: the record is referenced by or refers to a missing record: %v", ErrConflict, err)
	}
	return err
}

// ExecDDL runs a fixed statement written in Go source, such as the test
// helper's CREATE SCHEMA.
//
// NB! dangerousSQL must never contain input; it is not parameterised.
func (db *DB) ExecDDL(ctx context.Context, dangerousSQL string) error {
	return translate(db.conn(ctx).Exec(dangerousSQL).Error)
}

// pool is the connection (or the transaction, when ctx carries one) that
// the record statements run on directly: they are built here, quoted and
// parameterised per dialect, so gorm's statement builder is not needed on
// the hot path.
func (db *DB) pool(ctx context.Context) gorm.ConnPool {
	return db.conn(ctx).Statement.ConnPool
}
