package engine

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// FileStore keeps uploaded files in a folder, named by a random id.
type FileStore struct {
	Dir string
}

func (fs *FileStore) path(id string) string { return filepath.Join(fs.Dir, id[:2], id) }

// Upload stores a file for an attachment field of a form, checking the field's
// size and type limits.
func (e *Engine) Upload(ctx context.Context, formKey, fieldKey, name, contentType string, r io.Reader, actor forms.Actor) (*store.File, error) {
	c, ok := e.Snapshot().Form(formKey)
	if !ok {
		return nil, fmt.Errorf("%w: there is no form %q", store.ErrNotFound, formKey)
	}
	f, ok := c.Field(fieldKey)
	if !ok || f.Type != "attachment" {
		return nil, invalid("/field", fmt.Sprintf("%q is not an attachment field of %s", fieldKey, formKey))
	}
	if !f.AcceptsType(contentType) {
		return nil, invalid("/file", fmt.Sprintf("files of type %s are not accepted here; allowed: %s", contentType, strings.Join(f.Accept, ", ")))
	}
	limit := e.cfg.MaxUploadBytes
	if f.MaxSize > 0 && f.MaxSize < limit {
		limit = f.MaxSize
	}
	id := newFileID()
	dst := e.files.path(id)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return nil, err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(r, limit+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > limit {
		err = &tooLarge{limit}
	}
	if err != nil {
		_ = os.Remove(dst)
		return nil, err
	}
	rec := &store.File{ID: id, Form: formKey, Field: fieldKey, Name: cleanName(name), ContentType: contentType,
		Size: n, SHA256: hex.EncodeToString(h.Sum(nil)), CreatedAt: time.Now().UTC(), CreatedBy: actor.ID}
	if err := e.db.CreateFile(ctx, rec); err != nil {
		_ = os.Remove(dst)
		return nil, err
	}
	return rec, nil
}

// tooLarge reports an upload over its limit.
type tooLarge struct{ limit int64 }

func (t *tooLarge) Error() string { return fmt.Sprintf("the file is larger than %d bytes", t.limit) }

// IsTooLarge reports whether err is an upload over its size limit.
func IsTooLarge(err error) bool {
	_, ok := err.(*tooLarge)
	return ok
}

// OpenFile opens a stored file for download.
func (e *Engine) OpenFile(ctx context.Context, id string) (*store.File, io.ReadCloser, error) {
	files, err := e.db.FilesByID(ctx, []string{id})
	if err != nil || len(files) == 0 || len(id) < 3 {
		return nil, nil, fmt.Errorf("%w: there is no file %q", store.ErrNotFound, id)
	}
	r, err := os.Open(e.files.path(files[0].ID))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: the file %q is missing from storage", store.ErrNotFound, id)
	}
	return &files[0], r, nil
}

func newFileID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func cleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "." || name == "/" || name == "" {
		return "file"
	}
	if len(name) > 200 {
		name = name[:200]
	}
	return name
}
