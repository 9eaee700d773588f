package api_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// fullDisk is a files folder that runs out of space after room bytes, as a
// real disk does in the middle of a write.
type fullDisk struct {
	room    atomic.Int64
	mu      sync.Mutex
	created []string
}

func (d *fullDisk) Create(path string) (io.WriteCloser, error) {
	d.mu.Lock()
	d.created = append(d.created, path)
	d.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &fullFile{f: f, d: d}, nil
}

type fullFile struct {
	f *os.File
	d *fullDisk
}

func (w *fullFile) Write(p []byte) (int, error) {
	left := w.d.room.Add(-int64(len(p)))
	if left < 0 {
		n := max(0, len(p)+int(left))
		n, _ = w.f.Write(p[:n])
		return n, &os.PathError{Op: "write", Path: w.f.Name(), Err: syscall.ENOSPC}
	}
	return w.f.Write(p)
}

func (w *fullFile) Close() error { return w.f.Close() }

// TestUploadToAFullDisk fills the files folder in the middle of an upload:
// the client is told the server is out of space (507, with advice), no
// half-written file stays on disk and no file record is made; once space is
// freed, the same upload works.
func TestUploadToAFullDisk(t *testing.T) {
	disk := &fullDisk{}
	disk.room.Store(1000)
	var dataDir string
	enginetest.EachWith(t, func(c *engine.Config) { c.FileSink = disk; dataDir = c.DataDir }, func(t *testing.T, app *enginetest.App) {
		disk.room.Store(1000)
		disk.mu.Lock()
		disk.created = nil
		disk.mu.Unlock()
		pdf := append([]byte("%PDF-1.4 "), bytes.Repeat([]byte("x"), 64<<10)...)
		r := fileUpload(t, app, "/api/v1/forms/order/files?field=attachments", "big.pdf", "application/pdf", pdf)
		if r.Status != 507 {
			t.Fatalf("upload to a full disk: %d %s, want 507", r.Status, r.Body)
		}
		enginetest.CheckErrorShape(t, "full disk", r)
		if e, _ := enginetest.DecodeError(r); e == nil || e.Code != "storage_full" {
			t.Errorf("full disk error: %s", r.Body)
		}
		disk.mu.Lock()
		created := append([]string(nil), disk.created...)
		disk.mu.Unlock()
		if len(created) != 1 {
			t.Fatalf("the upload created %d files, want 1", len(created))
		}
		if _, err := os.Stat(created[0]); !os.IsNotExist(err) {
			t.Errorf("the half-written file %s is still on disk (%v)", created[0], err)
		}
		ids := []string{filepath.Base(created[0])}
		if got, err := app.Engine.DB().FilesByID(context.Background(), ids); err != nil || len(got) != 0 {
			t.Errorf("a file record was kept for the failed upload: %v %v", got, err)
		}
		_ = filepath.WalkDir(dataDir, func(p string, de os.DirEntry, err error) error {
			if err == nil && !de.IsDir() && filepath.Base(p) == ids[0] {
				t.Errorf("an orphan file is left at %s", p)
			}
			return nil
		})

		disk.room.Store(1 << 30)
		if r := fileUpload(t, app, "/api/v1/forms/order/files?field=attachments", "big.pdf", "application/pdf", pdf); r.Status != 201 {
			t.Errorf("with space freed the upload gave %d %s", r.Status, r.Body)
		}
	})
}
