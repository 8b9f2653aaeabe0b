#!/bin/sh
# The commands of the chapter "Hands-on: a pod from three containers".
# The book shows the parts between the ANCHOR lines (and those of pod.sh);
# the test labs/docker-demo/tests/commands.rs runs exactly these parts with
# `sh -eu`, after giving the variables below values of its own (a unique
# POD prefix, a free port, its own image tags). Build the images first:
#   cargo xtask images
set -eu

# ANCHOR: vars
POD=demo
HOST_PORT=8880
PAUSE_IMAGE=pause-book/pause:demo
NGINX_IMAGE=pause-book/nginx:demo
BLOG_IMAGE=pause-book/tiny-blog:demo
# ANCHOR_END: vars

# The pod itself, the seed's three `docker run` lines, is in pod.sh.
. "$(dirname "$0")/pod.sh"

# The front page the seed tells you to visit; its head is enough to see
# nginx's header and the blog's title.
# ANCHOR: curl
curl -si "http://localhost:$HOST_PORT/" | sed -n '1,15p'
# ANCHOR_END: curl

# ANCHOR: docker-ps
docker ps --filter name="$POD-" --format '{{.Names}}\t{{.Image}}\t{{.Ports}}'
# ANCHOR_END: docker-ps

# ANCHOR: host-ps
ps -o pid,user,args -p "$(docker inspect --format '{{.State.Pid}}' "$POD-pause")"
# ANCHOR_END: host-ps

# ANCHOR: ps
docker exec "$POD-blog" pod-ps
# ANCHOR_END: ps

# Needs root: reading another user's /proc/PID/ns is privileged.
# ANCHOR: ns
for c in pause nginx blog; do
  pid=$(docker inspect --format '{{.State.Pid}}' "$POD-$c")
  printf '%-6s %s %s %s %s\n' "$c" \
    $(readlink /proc/"$pid"/ns/net /proc/"$pid"/ns/ipc /proc/"$pid"/ns/pid /proc/"$pid"/ns/mnt)
done
# ANCHOR_END: ns

# ANCHOR: ipc
docker exec "$POD-blog" pod-ipc create 0x70617573
docker run --rm --ipc=container:"$POD-pause" --entrypoint pod-ipc "$BLOG_IMAGE" list
docker run --rm --entrypoint pod-ipc "$BLOG_IMAGE" list
# ANCHOR_END: ipc

# ANCHOR: solo
docker run -d --name "$POD-solo" \
  --net=container:"$POD-pause" \
  --ipc=container:"$POD-pause" \
  "$BLOG_IMAGE" --port 2369
# ANCHOR_END: solo

# ANCHOR: solo-ps
docker exec "$POD-solo" pod-ps
# ANCHOR_END: solo-ps

# ANCHOR: replace
docker rm -f "$POD-blog"
curl -s -o /dev/null -w '%{http_code}\n' "http://localhost:$HOST_PORT/"
# ANCHOR_END: replace

# ANCHOR: stop
docker stop "$POD-pause"
# ANCHOR_END: stop

# ANCHOR: after-stop
docker inspect --format '{{.Name}} {{.State.Status}} {{.State.ExitCode}}' \
  "$POD-pause" "$POD-nginx" "$POD-blog" "$POD-solo"
# ANCHOR_END: after-stop

# ANCHOR: restart
docker start "$POD-pause"
docker start "$POD-nginx" "$POD-blog"
# ANCHOR_END: restart

# ANCHOR: cleanup
docker rm -f "$POD-solo" "$POD-blog" "$POD-nginx" "$POD-pause"
# ANCHOR_END: cleanup
