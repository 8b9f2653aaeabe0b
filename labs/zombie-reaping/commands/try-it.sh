#!/usr/bin/env bash
# "Run it yourself" in the chapter "What pause does as PID 1": the commands
# a reader types in the root of a fresh clone (no root needed). The book
# shows the part between the ANCHOR lines; tests/chapter_headers.rs runs this
# file as it is.
set -euo pipefail
# ANCHOR: try-it
cargo build -q -p zombie-reaping -p pause
export PATH="$PWD/target/debug:$PATH"
zombie-reaping demo --init none --orphans 100
zombie-reaping demo --init pause --orphans 100
# ANCHOR_END: try-it
