package engine

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// Limits of an application archive. An archive is read whole into memory
// before anything is published, so each bound keeps a hostile upload small.
const (
	MaxArchiveBytes   = 32 << 20
	maxArchiveEntries = 2000
	maxArchiveTotal   = 64 << 20
)

// ExportArchive writes the live version of every definition as a zip of
// KINDs/KEY.json files: the same folder Export writes, so an unzipped
// archive can be imported with `mosaic import DIR`.
func (e *Engine) ExportArchive(ctx context.Context, w io.Writer) error {
	latest, err := e.db.LatestVersions(ctx)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for _, v := range latest {
		var b bytes.Buffer
		if err := json.Indent(&b, []byte(v.Body), "", "  "); err != nil {
			return err
		}
		b.WriteByte('\n')
		f, err := zw.Create(v.Kind + "s/" + v.Key + ".json")
		if err != nil {
			return err
		}
		if _, err := f.Write(b.Bytes()); err != nil {
			return err
		}
	}
	return zw.Close()
}

// ArchiveEntry is one definition read from an archive.
type ArchiveEntry struct {
	Name string
	Body []byte
}

// ReadArchive reads the definitions of a zip archive. Only KINDs/NAME.json
// files of known kinds are accepted, and a file's kind must match its
// folder; any other entry, an entry that climbs out of the archive, or one
// beyond the size limits rejects the whole archive, each problem with the
// entry's name as its path.
func ReadArchive(data []byte) ([]ArchiveEntry, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, invalid("/file", "the file is not a zip archive")
	}
	if len(zr.File) > maxArchiveEntries {
		return nil, invalid("/file", fmt.Sprintf("the archive has more than %d entries", maxArchiveEntries))
	}
	var p problems
	var out []ArchiveEntry
	var total int64
	for _, f := range zr.File {
		name := f.Name
		if f.FileInfo().IsDir() {
			continue
		}
		at := "/file/" + pointerToken(name)
		kind, _, ok := archiveName(name)
		if !ok {
			p.add(at, "archive_bad_entry", "%q is not KINDs/KEY.json for a known kind (forms, roles, flows, reports, dashboards)", name)
			continue
		}
		if f.UncompressedSize64 > maxDefinitionBytes {
			p.add(at, "archive_too_large", "%s is larger than %d bytes", name, maxDefinitionBytes)
			continue
		}
		body, err := readEntry(f)
		if err != nil {
			p.add(at, "archive_bad_entry", "%s could not be read: %v", name, err)
			continue
		}
		if total += int64(len(body)); total > maxArchiveTotal {
			return nil, invalid("/file", fmt.Sprintf("the archive holds more than %d bytes of definitions", maxArchiveTotal))
		}
		var h Header
		if err := json.Unmarshal(body, &h); err != nil {
			p.add(at, "archive_bad_entry", "%s is not a JSON definition", name)
			continue
		}
		if h.Kind != kind {
			p.add(at, "archive_bad_entry", "%s holds a %q definition; it belongs in %ss/", name, h.Kind, h.Kind)
			continue
		}
		out = append(out, ArchiveEntry{Name: name, Body: body})
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, invalid("/file", "the archive holds no definitions")
	}
	return out, nil
}

// archiveName splits "forms/order.json" (or "app/forms/order.json", as
// zipping an application folder gives) into its kind and file name.
// Anything of another shape — absolute, "..", deeper folders, unknown kinds
// — is refused, which is also what keeps an entry from naming a path
// outside the archive.
func archiveName(name string) (kind, file string, ok bool) {
	if strings.Contains(name, `\`) || path.Clean(name) != name || path.IsAbs(name) {
		return "", "", false
	}
	parts := strings.Split(name, "/")
	if len(parts) == 3 && archiveFile.MatchString(parts[0]) {
		parts = parts[1:]
	}
	if len(parts) != 2 || !archiveFile.MatchString(parts[1]) || !strings.HasSuffix(parts[1], ".json") {
		return "", "", false
	}
	for _, k := range kinds {
		if parts[0] == k+"s" {
			return k, parts[1], true
		}
	}
	return "", "", false
}

// archiveFile is a plain file or folder name: no dots in front, nothing a
// shell or a file system treats specially.
var archiveFile = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$`)

// readEntry reads one entry, no more than maxDefinitionBytes whatever its
// header claims, since the header of a zip bomb lies.
func readEntry(f *zip.File) ([]byte, error) {
	r, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, maxDefinitionBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxDefinitionBytes {
		return nil, fmt.Errorf("larger than %d bytes", maxDefinitionBytes)
	}
	return b, nil
}

// PlannedChange says what importing one definition would do: "new" (never
// published), "changed" (a new version) or "unchanged" (equal to the live
// version, skipped).
type PlannedChange struct {
	File        string `json:"file"`
	Kind        string `json:"kind"`
	Key         string `json:"key"`
	Title       string `json:"title"`
	Change      string `json:"change"`
	LiveVersion int    `json:"live_version"`
}

// PlanArchive checks every definition of an archive as an import would,
// and says per definition what the import would change, without publishing
// anything. Problems are reported per file as ImportArchive reports them.
func (e *Engine) PlanArchive(ctx context.Context, entries []ArchiveEntry) ([]PlannedChange, error) {
	bodies, names := splitEntries(entries)
	if _, err := e.checkBatch(ctx, bodies, e.Snapshot()); err != nil {
		return nil, archiveProblems(err, bodies, names)
	}
	latest, err := e.db.LatestVersions(ctx)
	if err != nil {
		return nil, err
	}
	live := map[string]int{}
	liveBody := map[string]string{}
	for _, v := range latest {
		live[v.Kind+"/"+v.Key] = v.Version
		liveBody[v.Kind+"/"+v.Key] = string(compact([]byte(v.Body)))
	}
	out := make([]PlannedChange, 0, len(entries))
	for i, b := range bodies {
		var h Header
		_ = json.Unmarshal(b, &h)
		id := h.Kind + "/" + h.Key
		pc := PlannedChange{File: names[i], Kind: h.Kind, Key: h.Key, Title: h.Title, LiveVersion: live[id], Change: "new"}
		if pc.LiveVersion > 0 {
			pc.Change = "changed"
			if liveBody[id] == string(compact(b)) {
				pc.Change = "unchanged"
			}
		}
		out = append(out, pc)
	}
	return out, nil
}

// ImportArchive publishes every definition of an archive together, all or
// nothing, skipping those equal to their live version.
func (e *Engine) ImportArchive(ctx context.Context, entries []ArchiveEntry, opts PublishOptions, actor forms.Actor) ([]PublishResult, error) {
	bodies, names := splitEntries(entries)
	res, err := e.Import(ctx, bodies, opts, actor)
	if err != nil {
		return nil, archiveProblems(err, bodies, names)
	}
	return res, nil
}

func splitEntries(entries []ArchiveEntry) (bodies [][]byte, names []string) {
	for _, en := range entries {
		bodies, names = append(bodies, en.Body), append(names, en.Name)
	}
	return bodies, names
}

// archiveProblems points each problem at the archive's file.
func archiveProblems(err error, bodies [][]byte, names []string) error {
	if pl, ok := forms.AsProblems(err); ok {
		pl.Subject = "archive"
		for i := range pl.Problems {
			pl.Problems[i].Path = fileOf(pl.Problems[i].Path, bodies, names)
		}
	}
	return err
}
