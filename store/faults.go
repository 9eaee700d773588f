package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrUnavailable marks an error of work the server could not do for want of
// its database (a read that failed while building what a request needs):
// the request may be tried again.
var ErrUnavailable = errors.New("the database is busy or cannot be reached")

// IsUnavailable reports whether err means the database could not be reached
// or dropped the connection: the request may succeed if tried again in a
// moment, once the pool has reconnected. Such errors are the operator's
// problem, not the caller's, and never the program's bug.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnavailable) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// note: class 08 is a broken connection, 57P01–57P03 a server shutting
		// down or starting, 53300 a full connection table.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" ||
			pe.Code == "57P03" || pe.Code == "53300"
	}
	var ne *net.OpError
	if errors.As(err, &ne) {
		return true
	}
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	// note: some paths flatten the driver's error into text (%v); these are
	// the phrases pgx and database/sql use for a lost connection.
	msg := err.Error()
	for _, s := range []string{"conn closed", "connection reset by peer", "broken pipe", "connection refused",
		"failed to connect to", "unexpected EOF", "SQLSTATE 57P01", "SQLSTATE 08", "database is closed",
		"server closed the connection", "the database system is"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	// note: a connection attempt that timed out, as opposed to the caller
	// giving up, still says it was dialling.
	if errors.Is(err, context.DeadlineExceeded) && strings.Contains(msg, "dial") {
		return true
	}
	return false
}

// IsStorageFull reports whether err means a disk ran out of space, for the
// database or for uploaded files.
func IsStorageFull(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "53100" || pe.Code == "53000") {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "database or disk is full") || strings.Contains(msg, "no space left on device") ||
		strings.Contains(msg, "SQLSTATE 53100")
}
