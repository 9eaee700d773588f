# Mosaic — `make run` starts it, `make test` tests it. `make help` lists the rest.
GO        ?= go
DATA      ?= ./mosaic_data
ADDR      ?= 127.0.0.1:8080
EXAMPLE   ?= examples/order-management
ADMIN_EMAIL    ?= admin@example.com
ADMIN_PASSWORD ?= mosaic-admin
PG_DSN    ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
NPM       ?= npm
UI        := studio-ui
UI_DEPS   := $(UI)/node_modules/.package-lock.json
UI_SRC    := $(shell find $(UI)/src $(UI)/public -type f 2>/dev/null) $(UI)/index.html $(UI)/vite.config.ts $(UI)/tsconfig.json $(UI)/package.json
BENCH_FLAGS ?=

.PHONY: help run build ui test test-go test-ui test-e2e test-sqlite test-pg test-short bench fmt vet lint fuzz test-check

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/mosaic with the studio in it (built first when Node.js is installed)
	@if command -v $(NPM) >/dev/null 2>&1; then $(MAKE) --no-print-directory ui; \
	else echo "npm not found: bin/mosaic will serve a page saying how to build the studio (install Node.js 20.19+, then make ui)"; fi
	$(GO) build -o bin/mosaic ./cmd/mosaic

ui: $(UI)/dist/index.html ## build the studio into studio-ui/dist, which the binary embeds (needs Node.js 20.19+)

$(UI_DEPS): $(UI)/package-lock.json
	cd $(UI) && $(NPM) ci --no-audit --no-fund

$(UI)/dist/index.html: $(UI_DEPS) $(UI_SRC)
	cd $(UI) && $(NPM) run build

run: build ## start Mosaic on SQLite in $(DATA) with the example application loaded
	@echo "Admin login (created on first start): $(ADMIN_EMAIL) / $(ADMIN_PASSWORD)"
	MOSAIC_ADMIN_EMAIL=$(ADMIN_EMAIL) MOSAIC_ADMIN_PASSWORD=$(ADMIN_PASSWORD) \
		./bin/mosaic serve --addr $(ADDR) --data $(DATA) --load $(EXAMPLE)

test: ## every test: Go on SQLite and PostgreSQL (at $(PG_DSN)), the studio's unit tests and its browser tests
	@$(MAKE) --no-print-directory test-go
	@$(MAKE) --no-print-directory test-ui
	@$(MAKE) --no-print-directory test-e2e
	@$(MAKE) --no-print-directory test-check

test-go: ## Go tests on SQLite and PostgreSQL
	MOSAIC_TEST_PG='$(PG_DSN)' $(GO) test -count=1 -timeout 20m ./...

test-ui: $(UI_DEPS) ## the studio's type check and unit tests (vitest)
	cd $(UI) && $(NPM) run typecheck && $(NPM) test

test-e2e: build ## the studio in Chromium (/usr/bin/chromium) against a real mosaic serve; screenshots in studio-ui/test-results
	cd $(UI) && MOSAIC_BIN='$(CURDIR)/bin/mosaic' $(NPM) run test:e2e

test-sqlite: ## Go tests on SQLite only
	MOSAIC_TEST_DIALECTS=sqlite $(GO) test -count=1 ./...

test-pg: ## Go tests that touch the database, on PostgreSQL only
	MOSAIC_TEST_DIALECTS=postgres MOSAIC_TEST_PG='$(PG_DSN)' $(GO) test -count=1 ./...

fuzz: ## run each fuzz target for a while
	$(GO) test ./forms -run XXX -fuzz FuzzFilter -fuzztime 60s
	$(GO) test ./forms -run XXX -fuzz FuzzSort -fuzztime 30s
	$(GO) test ./forms -run XXX -fuzz 'FuzzExpression$$' -fuzztime 60s
	$(GO) test ./forms -run XXX -fuzz 'FuzzRecordDecode$$' -fuzztime 60s
	$(GO) test ./engine/schemas -run XXX -fuzz FuzzValidate -fuzztime 60s
	$(GO) test ./engine -run XXX -fuzz FuzzCheckDefinition -fuzztime 60s
	$(GO) test ./flows -run XXX -fuzz FuzzCompile -fuzztime 60s
	$(GO) test ./reports -run XXX -fuzz FuzzCompile -fuzztime 60s

bench: ## engine vs hand-written Go + SQL on PostgreSQL (and reports on SQLite); writes bench/results.md
	MOSAIC_BENCH_PG='$(PG_DSN)' $(GO) run ./bench $(BENCH_FLAGS)

fmt: ## format the code
	gofmt -w $$(git ls-files '*.go')

vet: ## go vet
	$(GO) vet ./...

lint: vet ## gofmt check + vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)

test-check: ## fail if the tests left untracked files in the tree
	@test -z "$$(git status --porcelain --untracked-files=all 2>/dev/null | grep '^??' | grep -v ' bin/\| mosaic_data/')" || \
		(echo "tests left files in the tree:"; git status --porcelain --untracked-files=all | grep '^??'; exit 1)
