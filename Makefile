# patches-tui: `make run` opens the live-coding screen on the default set, `make test` runs
# every test.
SET ?= patches/set.yaml

.PHONY: setup build run play test bench lint fuzz rt-check

setup:
	@bash scripts/setup.sh
	@command -v cargo >/dev/null || { echo "make: cargo is missing: install Rust from https://rustup.rs" >&2; exit 1; }

build: setup
	cargo build --release

# The live-coding screen on $(SET); with no sound device it plays on the null backend and
# says so on screen.
run: build
	./target/release/patches-tui $(SET)

# Headless: plays $(SET) and reloads it on every save (falls back to the null backend).
play: build
	bash scripts/run.sh $(SET)

test: setup
	cargo test

# Fuzzes check and render for FUZZ_SECONDS (default 10 minutes) from seed FUZZ_SEED; failing
# inputs are saved under target/tmp/fuzz-failures. CI runs the same for 60 s.
FUZZ_SECONDS ?= 600
FUZZ_SEED ?= 12
fuzz: setup
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_SEED=$(FUZZ_SEED) cargo test --release --test fuzz -- --nocapture

bench: setup
	cargo bench --features compare

lint:
	cargo clippy --all-targets -- -D warnings
	cargo fmt --check

# The audio thread makes no system call but the pacing sleep during a commit storm (strace).
rt-check: setup
	bash scripts/rt_check.sh
