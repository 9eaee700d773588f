package engine

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
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
	// Sink creates the new files; nil is the operating system's.
	Sink FileSink
}

// FileSink creates a new file at path for an upload's bytes.
type FileSink interface {
	Create(path string) (io.WriteCloser, error)
}

type osSink struct{}

func (osSink) Create(path string) (io.WriteCloser, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	return os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
}

func (fs *FileStore) create(path string) (io.WriteCloser, error) {
	if fs.Sink != nil {
		return fs.Sink.Create(path)
	}
	return osSink{}.Create(path)
}

// ErrStorageFull is an upload refused because the files folder is out of
// space; nothing of it is kept.
var ErrStorageFull = errors.New("the files folder is out of space")

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
	head := make([]byte, 512)
	got, err := io.ReadFull(r, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	head = head[:got]
	if msg := contentLies(f, contentType, head); msg != "" {
		return nil, invalid("/file", msg)
	}
	r = io.MultiReader(bytes.NewReader(head), r)
	limit := e.cfg.MaxUploadBytes
	if f.MaxSize > 0 && f.MaxSize < limit {
		limit = f.MaxSize
	}
	id := newFileID()
	dst := e.files.path(id)
	out, err := e.files.create(dst)
	if err != nil {
		return nil, storageError(err)
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
		// note: a half-written file is never left behind, and no record was
		// made for it yet.
		_ = os.Remove(dst)
		return nil, storageError(err)
	}
	rec := &store.File{ID: id, Form: formKey, Field: fieldKey, Name: cleanName(name), ContentType: contentType,
		Size: n, SHA256: hex.EncodeToString(h.Sum(nil)), CreatedAt: time.Now().UTC(), CreatedBy: actor.ID}
	if err := e.db.CreateFile(ctx, rec); err != nil {
		_ = os.Remove(dst)
		return nil, err
	}
	return rec, nil
}

// contentLies says how a file's bytes contradict the type it was sent as,
// or "" when they do not: a page or script sent as a PDF or an image would
// be stored under a type the field accepts and opened by the next reader.
func contentLies(f *forms.CField, declared string, head []byte) string {
	if len(head) == 0 {
		return ""
	}
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	declared, _, _ = mime.ParseMediaType(declared)
	switch {
	case sniffed == "" || sniffed == declared || sniffed == "application/octet-stream" || strings.HasPrefix(sniffed, "text/plain"):
		return ""
	case sniffed == "application/zip" && zipBased(declared):
		return ""
	case sniffed == "text/xml" && strings.HasSuffix(declared, "xml"):
		return ""
	case sniffed == "text/html" || !f.AcceptsType(sniffed):
		return fmt.Sprintf("the file was sent as %s but its content is %s, which is not accepted here", declared, sniffed)
	}
	return ""
}

// zipBased is whether a type's files are zip archives inside (office
// documents, e-books), which sniff as application/zip.
func zipBased(ct string) bool {
	for _, s := range []string{"zip", "openxmlformats", "opendocument", "epub", "java-archive", "ms-excel", "ms-word", "ms-powerpoint"} {
		if strings.Contains(ct, s) {
			return true
		}
	}
	return false
}

// storageError names a full disk as such, so the client is told what
// happened and the operator what to do.
func storageError(err error) error {
	if store.IsStorageFull(err) {
		return fmt.Errorf("%w: %w", ErrStorageFull, err)
	}
	return err
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
