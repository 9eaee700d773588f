package store

import "context"

// RawForTest runs a fixed query and returns the first column of each row.
func (db *DB) RawForTest(ctx context.Context, query string) ([]string, error) {
	var out []string
	err := db.conn(ctx).Raw(query).Scan(&out).Error
	return out, err
}
