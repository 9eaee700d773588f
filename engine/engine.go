// Package engine is Mosaic's composition root: it owns the database, loads
// and publishes definitions into the live registry, and offers the domain
// operations (records, definitions, users) that engine/api serves over HTTP.
package engine

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mosaic-lowcode/mosaic/documents"
	"github.com/mosaic-lowcode/mosaic/engine/schemas"
	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/portal"
	"github.com/mosaic-lowcode/mosaic/rbac"
	"github.com/mosaic-lowcode/mosaic/store"
)

// Config is what the engine needs to start; cmd/mosaic fills it from flags
// and environment.
type Config struct {
	// DataDir holds the SQLite file (when DSN is empty) and uploaded files.
	DataDir string
	// DSN is a postgres:// URL or an SQLite file path; empty means
	// DataDir/mosaic.db.
	DSN string
	// MaxUploadBytes bounds one uploaded file (attachment fields may set less).
	MaxUploadBytes int64
	Logger         *slog.Logger
	// Jobs tunes the durable job worker.
	Jobs JobsConfig
	// SMTP is where e-mail copies of notices go; an empty Addr sends none.
	SMTP SMTPConfig
	// WebhookSecret signs webhook payloads; empty makes one and keeps it in
	// the database, shared by every replica.
	WebhookSecret string
	// OutboundAllow lists the CIDRs, addresses and host names outbound
	// requests (webhooks) may reach although they are private, loopback,
	// link-local or otherwise refused by default.
	OutboundAllow []string
	// BaseURL is where people reach Mosaic, for links in e-mails; empty is
	// http://localhost:8080.
	BaseURL string
	// FileSink creates the files uploads are written to; nil is the local
	// folder DataDir/files. Tests put a full disk behind it.
	FileSink FileSink
	// Signer completes e-sign acceptances; nil is the built-in click to
	// sign (ClickToSign).
	Signer SignatureProvider
}

// Engine is a running Mosaic.
type Engine struct {
	cfg       Config
	db        *store.DB
	types     forms.Types
	schemas   *schemas.Validator
	snapshot  atomic.Pointer[Snapshot]
	publishMu sync.Mutex // serialises snapshot swaps
	catchUpMu sync.Mutex // one request at a time reloads what another replica published
	records   *forms.RecordStore
	files     *FileStore
	log       *slog.Logger
	access    *accessCache
	stop      context.CancelFunc
	// loaded is the definitions mark (store.DefinitionsMark) the live
	// registry was read at; the poller reloads when the database is ahead.
	loaded atomic.Int64
	// tried is the newest mark a request tried to catch up to.
	tried atomic.Int64
	jobs  *jobQueue
	// guard checks every outbound address; outbound is the client that
	// goes through it.
	guard    *OutboundGuard
	outbound *http.Client
	subs     *subscriptionCache
	mail     mailTemplates
	// secrets sign webhook payloads and links.
	webhookSecret, linkSecret []byte
}

// Open starts an engine: it opens the database, creates the system tables and
// loads every published definition.
func Open(ctx context.Context, cfg Config) (*Engine, error) {
	if cfg.DataDir == "" {
		cfg.DataDir = "mosaic_data"
	}
	if cfg.DSN == "" {
		cfg.DSN = filepath.Join(cfg.DataDir, "mosaic.db")
	}
	if cfg.MaxUploadBytes == 0 {
		cfg.MaxUploadBytes = 25 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	guard, err := NewOutboundGuard(cfg.OutboundAllow)
	if err != nil {
		return nil, err
	}
	mail, err := loadMailTemplates()
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.DSN)
	if err != nil {
		return nil, err
	}
	if err := db.MigrateSystem(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	v, err := schemas.New()
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	e := &Engine{cfg: cfg, db: db, types: forms.DefaultTypes(), schemas: v, log: cfg.Logger,
		files: &FileStore{Dir: filepath.Join(cfg.DataDir, "files"), Sink: cfg.FileSink}, guard: guard, outbound: guard.Client(15 * time.Second), mail: mail}
	e.snapshot.Store(newSnapshot())
	e.records = forms.NewRecordStore(db, resolver{e})
	e.subs = &subscriptionCache{}
	e.records.Observe(e.recordChanged)
	e.access = &accessCache{e: e}
	if err := e.loadSecrets(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := e.openJobs(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := e.Reload(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := e.access.rebuild(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	bg, stop := context.WithCancel(context.Background())
	e.stop = stop
	go e.access.poll(bg, time.Second)
	if err := e.startJobs(bg); err != nil {
		stop()
		_ = db.Close()
		return nil, fmt.Errorf("start the job worker: %w", err)
	}
	return e, nil
}

// Close stops background work, letting running jobs finish for a while,
// and releases the database.
func (e *Engine) Close() error {
	e.stopJobs()
	e.stop()
	return e.db.Close()
}

// DB is the engine's database, for health checks and tests.
func (e *Engine) DB() *store.DB { return e.db }

// Snapshot returns the live registry.
func (e *Engine) Snapshot() *Snapshot { return e.snapshot.Load() }

// Logger is the engine's logger.
func (e *Engine) Logger() *slog.Logger { return e.log }

// resolver lets the record store follow relations through whatever snapshot
// is live at the time.
type resolver struct{ e *Engine }

func (r resolver) Form(key string) (*forms.Compiled, bool) { return r.e.Snapshot().Form(key) }

// Reload rebuilds the live registry from the newest published version of
// every definition.
func (e *Engine) Reload(ctx context.Context) error {
	// note: held throughout, so a reload started by the poller cannot store
	// a snapshot older than a publish that finished meanwhile.
	e.publishMu.Lock()
	defer e.publishMu.Unlock()
	// note: the mark is read before the definitions, so a publish landing in
	// between is seen as news on the next poll rather than lost.
	mark, err := e.db.DefinitionsMark(ctx)
	if err != nil {
		return err
	}
	latest, err := e.db.LatestVersions(ctx)
	if err != nil {
		return err
	}
	parsed := map[string]*forms.Form{}
	versions := map[string]int{}
	var roles, flowDefs, reportDefs, portalDefs, documentDefs []store.DefinitionVersion
	for _, v := range latest {
		if v.Kind == KindRole {
			roles = append(roles, v)
			continue
		}
		if v.Kind == KindFlow {
			flowDefs = append(flowDefs, v)
			continue
		}
		if v.Kind == KindPortal {
			portalDefs = append(portalDefs, v)
			continue
		}
		if v.Kind == KindDocument {
			documentDefs = append(documentDefs, v)
			continue
		}
		if v.Kind == KindReport || v.Kind == KindDashboard {
			reportDefs = append(reportDefs, v)
			continue
		}
		if v.Kind != KindForm {
			continue
		}
		f, err := forms.Parse([]byte(v.Body))
		if err != nil {
			return fmt.Errorf("stored form %s v%d: %w", v.Key, v.Version, err)
		}
		parsed[v.Key], versions[v.Key] = f, v.Version
	}
	set := formSet{live: newSnapshot(), batch: map[string]bool{}}
	for k := range parsed {
		set.batch[k] = true
	}
	snap := newSnapshot()
	for k, f := range parsed {
		c, err := forms.Compile(f, versions[k], set, e.types)
		if err != nil {
			return fmt.Errorf("stored form %s v%d no longer compiles: %w", k, versions[k], err)
		}
		snap.forms[k] = c
	}
	for k, c := range snap.forms {
		if ps := c.CompileConversions(snap); len(ps) > 0 {
			return fmt.Errorf("stored form %s v%d: its conversions no longer compile: %w", k, c.Version, &forms.ProblemList{Subject: "form/" + k, Problems: ps})
		}
		// note: publishing refuses a change that breaks a fill, so this
		// only logs; a fill whose source is gone fills nothing.
		if ps := c.CheckFills(snap); len(ps) > 0 {
			e.log.Error("stored form fills from fields that no longer fit; republish it", "form", k, "version", c.Version,
				"err", &forms.ProblemList{Subject: "form/" + k, Problems: ps})
		}
	}
	for _, v := range documentDefs {
		d, err := documents.Parse([]byte(v.Body))
		if err == nil {
			snap.documents[v.Key], err = documents.Compile(d, v.Version, snap)
		}
		if err != nil {
			delete(snap.documents, v.Key)
			e.log.Error("stored definition no longer compiles; republish it", "kind", v.Kind, "key", v.Key, "version", v.Version, "err", err)
		}
	}
	rset := formSet{live: snap, roles: map[string]bool{}}
	for _, v := range roles {
		rset.roles[v.Key] = true
	}
	for _, v := range roles {
		r, err := rbac.ParseRole([]byte(v.Body))
		if err != nil {
			return fmt.Errorf("stored role %s v%d: %w", v.Key, v.Version, err)
		}
		cr, err := rbac.Compile(r, v.Version, rset, rset)
		if err != nil {
			return fmt.Errorf("stored role %s v%d no longer compiles: %w", v.Key, v.Version, err)
		}
		snap.roles[v.Key] = cr
	}
	for _, v := range flowDefs {
		f, err := flows.ParseFlow([]byte(v.Body))
		if err != nil {
			return fmt.Errorf("stored flow %s v%d: %w", v.Key, v.Version, err)
		}
		cf, err := flows.Compile(f, v.Version, rset, rset)
		if err != nil {
			return fmt.Errorf("stored flow %s v%d no longer compiles: %w", v.Key, v.Version, err)
		}
		snap.flows[v.Key] = cf
	}
	if err := e.loadReports(snap, reportDefs); err != nil {
		return err
	}
	for _, v := range portalDefs {
		d, err := portal.Parse([]byte(v.Body))
		if err != nil {
			return fmt.Errorf("stored portal %s v%d: %w", v.Key, v.Version, err)
		}
		pc, err := portal.Compile(d, v.Version, snap)
		if err != nil {
			// note: like a report, a portal whose forms changed under it
			// stays out of the registry rather than stopping the engine.
			e.log.Warn("stored portal no longer compiles; republish it", "portal", v.Key, "version", v.Version, "err", err)
			continue
		}
		snap.portals[v.Key] = pc
	}
	e.snapshot.Store(snap)
	e.loaded.Store(mark)
	if e.access != nil {
		e.access.Invalidate()
	}
	return nil
}
