#!/bin/sh
# The pod of the chapter "Hands-on: a pod from three containers": the
# seed's three `docker run` lines. demo.sh sets the variables they use
# (POD, HOST_PORT and the image names) and runs this file; the book shows
# the parts between the ANCHOR lines, and the tests run exactly those parts
# with `sh -eu`, with values of their own.
set -eu

# ANCHOR: pause
docker run -d --name "$POD-pause" --ipc=shareable "$PAUSE_IMAGE"
# ANCHOR_END: pause

# ANCHOR: nginx
docker run -d --name "$POD-nginx" -p "$HOST_PORT":80 \
  --net=container:"$POD-pause" \
  --ipc=container:"$POD-pause" \
  --pid=container:"$POD-pause" \
  "$NGINX_IMAGE"
# ANCHOR_END: nginx

# ANCHOR: blog
docker run -d --name "$POD-blog" \
  --net=container:"$POD-pause" \
  --ipc=container:"$POD-pause" \
  --pid=container:"$POD-pause" \
  "$BLOG_IMAGE"
# ANCHOR_END: blog
