# The two set-up commands (see README.md):
#   make run    install what is needed, build, and start a demo node on http://127.0.0.1:8080
#   make test   install what is needed, build with sanitizers, run the whole suite on
#               SQLite and on a throwaway PostgreSQL
# Others: make build, make bench, make lint, make clean.

BUILD      ?= build
TEST_BUILD ?= build-test
CLANG_BUILD ?= build-clang
DEMO_DIR   ?= demo-node
DEMO_LISTEN ?= 127.0.0.1:8080
JOBS       ?= $(shell nproc)

.PHONY: all deps test-deps build run test lint check-clang fuzz test-build web-deps bench clean

all: build

deps:
	@scripts/deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DYW_TESTS=OFF >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@test -f $(DEMO_DIR)/yiwang.conf || $(BUILD)/yiwang demo --dir $(DEMO_DIR) --listen $(DEMO_LISTEN)
	$(BUILD)/yiwang serve --dir $(DEMO_DIR) --listen $(DEMO_LISTEN)

lint: test-deps
	@scripts/lint.sh

# gcc and clang must both build everything warning-free (-Werror).
test-deps:
	@scripts/deps.sh --test

check-clang: test-deps
	cmake -S . -B $(CLANG_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DYW_FUZZ=ON >/dev/null
	cmake --build $(CLANG_BUILD) -j $(JOBS)

# Each fuzz harness for a bounded run (FUZZ_RUNS inputs) from the seed corpus in
# tests/fuzz/corpus; new inputs go to a scratch folder, crashes to build-clang/.
FUZZ_RUNS ?= 200000
fuzz: check-clang
	@for f in $(CLANG_BUILD)/fuzz_*; do \
	  scratch=$$(mktemp -d); \
	  echo "fuzz: $$f ($(FUZZ_RUNS) runs)"; \
	  if ! $$f -runs=$(FUZZ_RUNS) -max_len=4096 -artifact_prefix=$(CLANG_BUILD)/ \
	        $$scratch tests/fuzz/corpus >$$scratch.log 2>&1; then \
	    tail -40 $$scratch.log; rm -rf $$scratch $$scratch.log; exit 1; \
	  fi; \
	  tail -1 $$scratch.log; rm -rf $$scratch $$scratch.log; \
	done

test-build: test-deps
	cmake -S . -B $(TEST_BUILD) -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug -DYW_SANITIZE=ON >/dev/null
	cmake --build $(TEST_BUILD) -j $(JOBS)

web-deps: test-deps
	cd tests/web && npm ci --no-audit --no-fund --loglevel=error

test: lint check-clang fuzz test-build web-deps
	scripts/with-postgres.sh ctest --test-dir $(TEST_BUILD) --output-on-failure -j $(JOBS)

bench:
	@scripts/deps.sh --bench
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DYW_TESTS=OFF >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	bench/http_health.sh $(BUILD)/yiwang
	bench/ledger_append.sh $(BUILD)/yiwang
	bench/ledger_proofs.sh $(BUILD)/yiwang
	bench/exchange_delivery.sh $(BUILD)/yiwang
	bench/catalog_search.sh $(BUILD)/yiwang
	bench/case_submission.sh $(BUILD)/yiwang
	bench/review_stats.sh $(BUILD)/yiwang

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(CLANG_BUILD)
