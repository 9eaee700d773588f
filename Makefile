# Mosaic — `make run` starts it, `make test` tests it. `make help` lists the rest.
GO        ?= go
DATA      ?= ./mosaic_data
ADDR      ?= 127.0.0.1:8080
EXAMPLE   ?= examples/order-management
ADMIN_EMAIL    ?= admin@example.com
ADMIN_PASSWORD ?= mosaic-admin
PG_DSN    ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
BENCH_FLAGS ?=

.PHONY: help run build test test-sqlite test-pg test-short bench fmt vet lint fuzz test-check

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/mosaic
	$(GO) build -o bin/mosaic ./cmd/mosaic

run: build ## start Mosaic on SQLite in $(DATA) with the example application loaded
	@echo "Admin login (created on first start): $(ADMIN_EMAIL) / $(ADMIN_PASSWORD)"
	MOSAIC_ADMIN_EMAIL=$(ADMIN_EMAIL) MOSAIC_ADMIN_PASSWORD=$(ADMIN_PASSWORD) \
		./bin/mosaic serve --addr $(ADDR) --data $(DATA) --load $(EXAMPLE)

test: ## every test: Go on SQLite and PostgreSQL (PostgreSQL must answer at $(PG_DSN))
	MOSAIC_TEST_PG='$(PG_DSN)' $(GO) test -count=1 -timeout 20m ./...
	@$(MAKE) --no-print-directory test-check

test-sqlite: ## Go tests on SQLite only
	MOSAIC_TEST_DIALECTS=sqlite $(GO) test -count=1 ./...

test-pg: ## Go tests that touch the database, on PostgreSQL only
	MOSAIC_TEST_DIALECTS=postgres MOSAIC_TEST_PG='$(PG_DSN)' $(GO) test -count=1 ./...

fuzz: ## run each fuzz target for a while
	$(GO) test ./forms -run XXX -fuzz FuzzFilter -fuzztime 60s
	$(GO) test ./forms -run XXX -fuzz FuzzSort -fuzztime 30s
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
