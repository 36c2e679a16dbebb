# The two commands of the README, and the checks CI runs.
.PHONY: setup run test check bench

# Unpack ONNX Runtime from PyPI's onnxruntime wheel into vendor/ (once).
setup:
	./scripts/setup.sh

# The main job: an interactive practice session on the built-in bank.
run: setup
	cargo run --release --quiet --

# The test suite.
test: setup
	cargo test

# Formatting and lints, as CI runs them.
check:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings

bench: setup
	cargo bench --bench scoring
