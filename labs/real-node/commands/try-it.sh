#!/usr/bin/env bash
# "Run it yourself" in the chapter "pause on a real node": the commands a
# reader types in the root of a fresh clone (as root: containerd and Podman
# run rootful). The book shows the part between the ANCHOR lines;
# tests/chapter_headers.rs runs this file as it is. Each test starts a
# private containerd or Podman and removes it, and all it made, at the end.
set -euo pipefail
# ANCHOR: try-it
cargo build -q -p real-node
sudo env PATH="$PATH" cargo test -q -p real-node --test cri -- --nocapture
sudo env PATH="$PATH" cargo test -q -p real-node --test podman
# ANCHOR_END: try-it
