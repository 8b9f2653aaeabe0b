#!/usr/bin/env bash
# "Run it yourself" in the chapter "Writing pause in Rust": the commands a
# reader types in the root of a fresh clone. The book shows the part between
# the ANCHOR lines; tests/chapter_headers.rs runs this file as it is.
set -euo pipefail
# ANCHOR: try-it
cargo build -q -p pause
export PATH="$PWD/target/debug:$PATH"
pause -v
# Not PID 1: pause warns, then SIGTERM ends it with status 0.
timeout --preserve-status -s TERM 1 pause; echo "exit status: $?"
# ANCHOR_END: try-it
