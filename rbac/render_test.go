package rbac_test

import (
	"fmt"
	"testing"

	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

func storeForRender(t *testing.T) *store.DB { return storetest.Open(t, store.SQLite) }

func fmtVars(vars []any) string { return fmt.Sprint(vars...) }
