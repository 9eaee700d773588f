package api

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
)

// uiCSP keeps the app to its own origin. Ant Design writes its styles at run
// time, hence 'unsafe-inline' for styles (never for scripts).
const uiCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"

// uiFile is one file of the app, read once and kept with its gzip form.
type uiFile struct {
	body, gz    []byte
	contentType string
	etag        string
}

// uiFiles serves a single-page app from files: index.html for every client
// route, hashed assets (under assets/) cached for a year.
type uiFiles struct {
	files fs.FS
	mu    sync.Mutex
	cache map[string]*uiFile
}

// mountUI serves files at each prefix: the studio (/studio), the workspace
// (/app) and the portal (/portal) are one app, routed in the browser, whose
// assets are always fetched from the first prefix.
func mountUI(app *fiber.App, files fs.FS, prefixes ...string) {
	u := &uiFiles{files: files, cache: map[string]*uiFile{}}
	for _, prefix := range prefixes {
		app.Get(prefix, u.serve)
		app.Get(prefix+"/*", u.serve)
	}
}

func (u *uiFiles) serve(c *fiber.Ctx) error {
	name := path.Clean("/" + c.Params("*"))[1:]
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
	c.Set(fiber.HeaderContentSecurityPolicy, uiCSP)
	if strings.HasPrefix(name, "assets/") {
		f := u.file(name)
		if f == nil {
			return newError(fiber.StatusNotFound, "not_found", "there is no such file in the studio; reload the page to get the current version")
		}
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		return u.send(c, f)
	}
	if f := u.file(name); f != nil && name != "" && name != "index.html" {
		c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
		return u.send(c, f)
	}
	// note: every other path is a route of the app; index.html is never
	// cached, so a new release reaches the browser on the next load.
	f := u.file("index.html")
	if f == nil {
		return newError(fiber.StatusNotFound, "not_found", "this binary carries no studio")
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return u.send(c, f)
}

func (u *uiFiles) send(c *fiber.Ctx, f *uiFile) error {
	c.Set(fiber.HeaderContentType, f.contentType)
	c.Set(fiber.HeaderETag, f.etag)
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	if c.Get(fiber.HeaderIfNoneMatch) == f.etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	if f.gz != nil && strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(f.gz)
	}
	return c.Send(f.body)
}

// file reads name once; nil when there is no such file.
func (u *uiFiles) file(name string) *uiFile {
	if name == "" {
		return nil
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if f, ok := u.cache[name]; ok {
		return f
	}
	body, err := fs.ReadFile(u.files, name)
	if err != nil {
		// note: misses are not kept, so made-up names cannot grow the cache.
		return nil
	}
	sum := sha256.Sum256(body)
	f := &uiFile{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	f.contentType = mime.TypeByExtension(path.Ext(name))
	if f.contentType == "" {
		f.contentType = "application/octet-stream"
	}
	if compressible(f.contentType) && len(body) > 512 {
		var b bytes.Buffer
		w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		_, _ = w.Write(body)
		_ = w.Close()
		f.gz = b.Bytes()
	}
	u.cache[name] = f
	return f
}

func compressible(contentType string) bool {
	for _, p := range []string{"text/", "application/javascript", "application/json", "image/svg+xml"} {
		if strings.HasPrefix(contentType, p) {
			return true
		}
	}
	return false
}
