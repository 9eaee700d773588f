package engine

import (
	"context"
	"fmt"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/store"
)

// MigrateInput is an admin's request to move running instances of a flow
// to a newer published version of it.
type MigrateInput struct {
	Instances []int64
	ToVersion int
	// Mapping sends nodes of the instances' versions to nodes of ToVersion;
	// a node it does not name goes to the node with the same id and type.
	Mapping map[string]string
	Comment string
	// DryRun reports what would move without writing anything.
	DryRun bool
}

// MigrateInstances moves the running instances in of flow key to version
// in.ToVersion, all of them or none, for an admin. See flows.Runtime.Migrate.
func (e *Engine) MigrateInstances(ctx context.Context, p *Principal, key string, in MigrateInput) (*flows.MigrationReport, error) {
	if err := e.RequireAdmin(p); err != nil {
		return nil, err
	}
	if _, ok := e.Snapshot().Flow(key); !ok {
		return nil, fmt.Errorf("%w: there is no published flow %q", store.ErrNotFound, key)
	}
	return e.flowRuntime(e.Access()).Migrate(ctx, flows.Migration{Flow: key, Instances: in.Instances, ToVersion: in.ToVersion,
		Mapping: in.Mapping, Admin: p.Actor(), Comment: in.Comment, DryRun: in.DryRun})
}
