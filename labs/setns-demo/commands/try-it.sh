#!/usr/bin/env bash
# "Run it yourself" in the chapter "How pause holds a pod together": the
# commands a reader types in the root of a fresh clone (as root, or rootless
# with loopback only). The book shows the part between the ANCHOR lines;
# tests/chapter_headers.rs runs this file as it is.
set -euo pipefail
# ANCHOR: try-it
cargo build -q -p setns-demo -p pause
export PATH="$PWD/target/debug:$PATH"
sudo env PATH="$PATH" setns-demo run my-pod
sudo env PATH="$PATH" setns-demo exec --detach my-pod -- sleep 1000
sudo env PATH="$PATH" setns-demo ns my-pod
sudo env PATH="$PATH" setns-demo rm my-pod
# ANCHOR_END: try-it
