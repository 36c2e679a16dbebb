#!/usr/bin/env bash
# Brings what grill needs at run time that is not in the repository: the ONNX Runtime
# shared library, unpacked from PyPI's onnxruntime wheel into vendor/onnxruntime/.
# Idempotent and offline after the first run. Needs python3 with pip (or an existing
# onnxruntime install, or ORT_DYLIB_PATH).
set -euo pipefail
cd "$(dirname "$0")/.."

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
