package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// maxDefinitionBytes bounds one definition file.
const maxDefinitionBytes = 2 << 20

// Import publishes bodies together, all or nothing, skipping those equal to
// their live version.
func (e *Engine) Import(ctx context.Context, bodies [][]byte, opts PublishOptions, actor forms.Actor) ([]PublishResult, error) {
	if len(bodies) == 0 {
		return nil, invalid("/", "there is nothing to import")
	}
	return e.publishBodies(ctx, bodies, opts, actor)
}

// ImportDir reads every *.json file under dir and imports them together. A
// problem in any file stops the whole import; problems are reported per file.
func (e *Engine) ImportDir(ctx context.Context, dir string, opts PublishOptions, actor forms.Actor) ([]PublishResult, error) {
	var bodies [][]byte
	var names []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".json") {
			return nil
		}
		// note: the seed plan beside the definitions is data, not one of them.
		if d.Name() == SeedPlanFile && filepath.Dir(path) == filepath.Clean(dir) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Size() > maxDefinitionBytes {
			return fmt.Errorf("%s is larger than %d bytes", path, maxDefinitionBytes)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		bodies, names = append(bodies, b), append(names, path)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read definitions: %w", err)
	}
	res, err := e.Import(ctx, bodies, opts, actor)
	if pl, ok := forms.AsProblems(err); ok {
		pl.Subject = dir
		for i := range pl.Problems {
			pl.Problems[i].Path = fileOf(pl.Problems[i].Path, bodies, names)
		}
	}
	return res, err
}

// fileOf rewrites "/kind/key/..." to "file.json#/..." so a mistake points at
// the file to open.
func fileOf(path string, bodies [][]byte, names []string) string {
	parts := strings.SplitN(strings.TrimPrefix(path, "/"), "/", 3)
	if len(parts) < 2 {
		return path
	}
	if i, err := strconv.Atoi(parts[1]); parts[0] == "definitions" && err == nil && i < len(names) {
		rest := ""
		if len(parts) == 3 {
			rest = "/" + parts[2]
		}
		return names[i] + "#" + rest
	}
	for i, b := range bodies {
		var h Header
		if json.Unmarshal(b, &h) == nil && h.Kind == parts[0] && h.Key == parts[1] {
			rest := ""
			if len(parts) == 3 {
				rest = "/" + parts[2]
			}
			return names[i] + "#" + rest
		}
	}
	return path
}

// Export writes the live version of every definition to dir as
// KIND/KEY.json, indented, so it can be kept in version control and imported
// elsewhere.
func (e *Engine) Export(ctx context.Context, dir string) ([]string, error) {
	latest, err := e.db.LatestVersions(ctx)
	if err != nil {
		return nil, err
	}
	var written []string
	for _, v := range latest {
		folder := filepath.Join(dir, v.Kind+"s")
		if err := os.MkdirAll(folder, 0o750); err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if err := json.Indent(&b, []byte(v.Body), "", "  "); err != nil {
			return nil, err
		}
		b.WriteByte('\n')
		path := filepath.Join(folder, v.Key+".json")
		if err := os.WriteFile(path, b.Bytes(), 0o640); err != nil {
			return nil, err
		}
		written = append(written, path)
	}
	return written, nil
}

// DefinitionInfo summarises one definition for listings.
type DefinitionInfo struct {
	Kind          string `json:"kind"`
	Key           string `json:"key"`
	Title         string `json:"title"`
	LatestVersion int    `json:"latest_version"`
	HasDraft      bool   `json:"has_draft"`
}

// Definitions lists every definition, published or draft.
func (e *Engine) Definitions(ctx context.Context) ([]DefinitionInfo, error) {
	latest, err := e.db.LatestVersions(ctx)
	if err != nil {
		return nil, err
	}
	drafts, err := e.db.Drafts(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]*DefinitionInfo{}
	for _, v := range latest {
		var h Header
		_ = json.Unmarshal([]byte(v.Body), &h)
		byID[v.Kind+"/"+v.Key] = &DefinitionInfo{Kind: v.Kind, Key: v.Key, Title: h.Title, LatestVersion: v.Version}
	}
	for _, d := range drafts {
		info := byID[d.Kind+"/"+d.Key]
		if info == nil {
			var h Header
			_ = json.Unmarshal([]byte(d.Body), &h)
			info = &DefinitionInfo{Kind: d.Kind, Key: d.Key, Title: h.Title}
			byID[d.Kind+"/"+d.Key] = info
		}
		info.HasDraft = true
	}
	out := make([]DefinitionInfo, 0, len(byID))
	for _, v := range byID {
		out = append(out, *v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind+"/"+out[i].Key < out[j].Kind+"/"+out[j].Key })
	return out, nil
}

// Versions lists the published versions of a definition, newest first.
func (e *Engine) Versions(ctx context.Context, kind, key string) ([]store.DefinitionVersion, error) {
	vs, err := e.db.Versions(ctx, kind, key)
	if err == nil && len(vs) == 0 {
		return nil, fmt.Errorf("%w: %s/%s has never been published", store.ErrNotFound, kind, key)
	}
	return vs, err
}

// VersionBody returns the definition text of one published version.
func (e *Engine) VersionBody(ctx context.Context, kind, key string, version int) (json.RawMessage, *store.DefinitionVersion, error) {
	v, err := e.db.Version(ctx, kind, key, version)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s/%s has no version %d", store.ErrNotFound, kind, key, version)
	}
	return json.RawMessage(v.Body), v, nil
}

// Draft returns the draft text of a definition.
func (e *Engine) Draft(ctx context.Context, kind, key string) (json.RawMessage, error) {
	d, err := e.db.DraftOf(ctx, kind, key)
	if err != nil {
		return nil, fmt.Errorf("%w: %s/%s has no draft", store.ErrNotFound, kind, key)
	}
	return json.RawMessage(d.Body), nil
}
