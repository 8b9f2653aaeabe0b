#!/usr/bin/env bash
# "Run it yourself" in the chapter "How light is pause, really": the commands
# a reader types in the root of a fresh clone. The book shows the part
# between the ANCHOR lines; tests/chapter_headers.rs runs this file as it is.
set -euo pipefail
# ANCHOR: try-it
cargo build -q --release -p pause-tiny
ls -l target/release/pause-tiny
target/release/pause-tiny -v
# ANCHOR_END: try-it
