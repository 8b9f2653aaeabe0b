#!/bin/sh
# book.toml's [output.zh-search] command. mdBook runs a renderer in its own
# output directory, which may be outside the workspace (`mdbook build -d`),
# so name the crate's manifest by this script's place.
exec cargo run --quiet --manifest-path "$(dirname "$0")/Cargo.toml" -- "$@"
