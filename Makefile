# patches-tui: `make run` plays the default set, `make test` runs every test.
SET ?= patches/set.yaml
OUT ?= target/set.wav

.PHONY: setup build run test bench lint

setup:
	@bash scripts/setup.sh
	@command -v cargo >/dev/null || { echo "make: cargo is missing: install Rust from https://rustup.rs" >&2; exit 1; }

build: setup
	cargo build --release

# Until live audio lands, `run` renders the default set to a WAV file.
run: build
	./target/release/patches-tui render $(SET) --seconds 30 --out $(OUT)
	@echo "Rendered $(SET) to $(OUT): play it with any audio player (for example: aplay $(OUT))."

test: setup
	cargo test

bench: setup
	cargo bench --features compare

lint:
	cargo clippy --all-targets -- -D warnings
	cargo fmt --check
