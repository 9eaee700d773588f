package store_test

import (
	"errors"
	"testing"

	"github.com/mosaic-lowcode/mosaic/store"
)

func TestNewIdentAcceptsOnlySafeNames(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"a", "f_order", "f_order__items", "_x", "a1234567890123456789012345678901234567890123456789012345678901"} {
		if _, err := store.NewIdent(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "A", "1a", "a-b", "a b", `a"b`, "a;drop table x", "é", "a\x00",
		"a123456789012345678901234567890123456789012345678901234567890123"} {
		if _, err := store.NewIdent(bad); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%q accepted", bad)
		}
	}
}
