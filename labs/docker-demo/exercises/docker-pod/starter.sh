#!/bin/sh
# The pod of the chapter "Hands-on: a pod from three containers": the
# seed's three `docker run` lines. demo.sh sets the variables they use
# (POD, HOST_PORT and the image names) and runs this file; the book shows
# the parts between the ANCHOR lines, and the tests run exactly those parts
# with `sh -eu`, with values of their own.
set -eu
#
# Exercise: write the three lines below, in place of the placeholders.
# Check them with `cargo xtask exercise check docker-pod`. Use only the
# variables: "$POD-..." for the names, "$HOST_PORT", "$PAUSE_IMAGE",
# "$NGINX_IMAGE" and "$BLOG_IMAGE".

# ANCHOR: pause
# TODO: start pause in the background, named "$POD-pause". It holds the
# pod's namespaces, so it is the one that publishes the pod's port 80 on
# "$HOST_PORT", and its IPC namespace must be one others may join.
echo "pod.sh: the pause line is not written yet" >&2; exit 1
# ANCHOR_END: pause

# ANCHOR: nginx
# TODO: start nginx, named "$POD-nginx", in pause's network, IPC and PID
# namespaces (see `docker run --help`: which flags take container:NAME?).
echo "pod.sh: the nginx line is not written yet" >&2; exit 1
# ANCHOR_END: nginx

# ANCHOR: blog
# TODO: start the blog, named "$POD-blog", in the same namespaces, so that
# `ps` inside it shows /pause as PID 1.
echo "pod.sh: the blog line is not written yet" >&2; exit 1
# ANCHOR_END: blog
