#!/usr/bin/env bash
# Build the images the tests and the demo use, from files on this machine (no registry):
#   dual-test/busybox  ~2 MB: sh, wget, nc, httpd (Debian's busybox-static)
#   dual-test/node     ~135 MB: busybox + this machine's node, npm and git, and the whole glibc
#                      runtime with libstdc++ (native parts of real frameworks: Vite 8's
#                      rolldown needs librt.so.1, Next.js's SWC needs libgcc_s)
# Rebuilds when missing or when its content definition changed: each image carries
# dual.test.version, bumped below whenever what goes into it changes, so a machine that
# built an older one (or another clone's) gets the new one. Images are labelled dual.test=1.
set -euo pipefail
say() { echo "build-test-images: $*" >&2; }
DOCKER_CLI=/usr/bin/docker; [ -x "$DOCKER_CLI" ] || DOCKER_CLI=docker

BUSYBOX_VERSION=1
NODE_VERSION=2
# True when the image exists with this content version.
have_image() {
  [ "$("$DOCKER_CLI" image inspect -f '{{index .Config.Labels "dual.test.version"}}' "$1" 2>/dev/null)" = "$2" ]
}

busybox_bin() {
  if [ ! -x /bin/busybox ] || ! file_is_static /bin/busybox; then
    say "installing busybox-static"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >&2
  fi
  echo /bin/busybox
}
file_is_static() { ! ldd "$1" >/dev/null 2>&1; }

ctx=$(mktemp -d); trap 'rm -rf "$ctx"' EXIT

if ! have_image dual-test/busybox "$BUSYBOX_VERSION"; then
  say "building dual-test/busybox"
  mkdir -p "$ctx/bb"; cp "$(busybox_bin)" "$ctx/bb/busybox"
  cat > "$ctx/bb/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/sh", "-c", "mkdir -p /tmp /etc && chmod 1777 /tmp && echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd && echo 'root:x:0:' > /etc/group"]
ENV PATH=/usr/local/bin:/usr/bin:/bin
ARG VERSION
LABEL dual.test=1 dual.test.version=$VERSION
DOCKERFILE
  "$DOCKER_CLI" build -q --build-arg VERSION="$BUSYBOX_VERSION" -t dual-test/busybox "$ctx/bb" >/dev/null
fi

if ! have_image dual-test/node "$NODE_VERSION"; then
  say "building dual-test/node from $(command -v node)"
  root="$ctx/node/rootfs"; mkdir -p "$root/bin" "$root/usr/bin" "$root/usr/lib" "$root/etc" "$root/tmp"
  cp "$(busybox_bin)" "$root/bin/busybox"
  node_bin=$(readlink -f "$(command -v node)")
  cp "$node_bin" "$root/usr/bin/node"
  # git too (status/rev-parse are builtins): tests check that git works inside a workspace.
  git_bin=$(readlink -f "$(command -v git)")
  cp "$git_bin" "$root/usr/bin/git"
  for lib in $(ldd "$node_bin" "$git_bin" | grep -oE '/[^ ]+' | grep -v ':$' | sort -u); do
    mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"
  done
  # The rest of glibc's runtime (and libstdc++/libgcc_s, listed by node's ldd above): native
  # addons of real frameworks link against more of it than node does.
  libc_dir=$(dirname "$(ldd "$node_bin" | grep -oE '/[^ ]+/libc\.so\.6')")
  for name in librt.so.1 libresolv.so.2 libutil.so.1 libanl.so.1 libmvec.so.1 libnss_dns.so.2 libnss_files.so.2 libBrokenLocale.so.1; do
    [ -e "$libc_dir/$name" ] && { mkdir -p "$root$libc_dir"; cp -L "$libc_dir/$name" "$root$libc_dir/$name"; }
  done
  npm_dir=$(npm root -g)/npm
  if [ -d "$npm_dir" ]; then
    mkdir -p "$root/usr/lib/node_modules"; cp -r "$npm_dir" "$root/usr/lib/node_modules/npm"
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/bin/npm"
  fi
  ln -s /bin/busybox "$root/usr/bin/env"
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"; echo 'root:x:0:' > "$root/etc/group"
  cat > "$ctx/node/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY rootfs/ /
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/sh", "-c", "chmod 1777 /tmp"]
ENV PATH=/usr/local/bin:/usr/bin:/bin
ARG VERSION
LABEL dual.test=1 dual.test.version=$VERSION
DOCKERFILE
  "$DOCKER_CLI" build -q --build-arg VERSION="$NODE_VERSION" -t dual-test/node "$ctx/node" >/dev/null
fi
say "images ready: dual-test/busybox dual-test/node"
