#!/usr/bin/env bash
# "Run it yourself" in the chapter "Hands-on: a pod from three containers":
# the commands a reader types in the root of a fresh clone, with Docker
# running. The book shows the part between the ANCHOR lines;
# tests/chapter_headers.rs runs this file as it is.
set -euo pipefail
# ANCHOR: try-it
cargo xtask demo-images
export POD=demo HOST_PORT=8880 PAUSE_IMAGE=pause-book/pause:demo \
  NGINX_IMAGE=pause-book/nginx:demo BLOG_IMAGE=pause-book/tiny-blog:demo
sudo -E sh labs/docker-demo/commands/pod.sh
curl -s -o /dev/null -w '%{http_code}\n' "http://localhost:$HOST_PORT/"
sudo docker exec demo-blog pod-ps
sudo docker rm -f demo-blog demo-nginx demo-pause
# ANCHOR_END: try-it
