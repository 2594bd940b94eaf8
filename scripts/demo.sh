#!/usr/bin/env bash
# The demo: a sample repo, two branch workspaces, both serving :3000 in their own
# container, both reached through dual's proxy at <repo>-<branch>.localhost:3000.
#   npm run demo            run it (leaves the workspaces running to explore)
#   npm run demo -- --clean remove everything the demo made
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
demo="$root/.demo"
export DUAL_HOME="$demo/home"
dual() { node "$root/bin/dual.js" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

clean() {
  if [ -d "$DUAL_HOME" ] && [ -d "$root/dist" ]; then
    for ws in $(dual list --json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const w of JSON.parse(s||"[]"))console.log(w.id)})'); do
      dual destroy "$ws" --force >/dev/null || true
    done
    dual proxy stop >/dev/null 2>&1 || true
  fi
  rm -rf "$demo"
}

if [ "${1:-}" = "--clean" ]; then clean; echo "demo removed" >&2; exit 0; fi

step "Docker engine, offline images, dual itself"
bash scripts/ensure-docker.sh
bash scripts/build-test-images.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build
clean

step "A sample repo with two branches (main and feat/checkout)"
mkdir -p "$demo/shop"
cp scripts/demo-app/server.js "$demo/shop/server.js"
cat > "$demo/shop/.dual.json" <<'JSON'
{ "image": "dual-test/node", "start": "node server.js", "ports": [3000] }
JSON
echo "Hello from main" > "$demo/shop/message.txt"
git -C "$demo/shop" init -q -b main
git -C "$demo/shop" add -A
git -C "$demo/shop" -c user.name=demo -c user.email=demo@example.com commit -q -m "sample app"
git -C "$demo/shop" checkout -q -b feat/checkout
echo "Hello from feat/checkout: the new checkout flow" > "$demo/shop/message.txt"
git -C "$demo/shop" -c user.name=demo -c user.email=demo@example.com commit -q -am "new checkout"
git -C "$demo/shop" checkout -q main

step "dual add + dual create for both branches (each container runs 'node server.js' on :3000)"
dual add "$demo/shop"
dual create shop main
dual create shop feat/checkout

step "Both served through the proxy"
for host in shop-main.localhost shop-feat-checkout.localhost; do
  for _ in $(seq 1 100); do
    curl -sf --max-time 2 -H "Host: $host:3000" http://127.0.0.1:3000/ >/dev/null && break
    sleep 0.1
  done
  echo "\$ curl http://$host:3000/" >&2
  curl -sS --max-time 2 -H "Host: $host:3000" http://127.0.0.1:3000/
done

step "Each container has its own :3000 (dual exec runs inside the workspace)"
dual exec shop-feat-checkout -- wget -qO- http://localhost:3000/

step "An edit in one worktree changes only that branch's page"
wt=$(dual list --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).find(w=>w.id==="shop-feat-checkout").worktree))')
echo "Edited on the host at $(date +%T)" > "$wt/message.txt"
curl -sS --max-time 2 -H "Host: shop-feat-checkout.localhost:3000" http://127.0.0.1:3000/
curl -sS --max-time 2 -H "Host: shop-main.localhost:3000" http://127.0.0.1:3000/

step "dual list"
dual list

cat >&2 <<MSG

Open http://shop-main.localhost:3000 and http://shop-feat-checkout.localhost:3000 in a browser
(Chrome, Firefox and curl resolve *.localhost themselves), or http://localhost:3000 for the dashboard.
Explore with:  export DUAL_HOME=$DUAL_HOME; node bin/dual.js list
Clean up with: npm run demo -- --clean
MSG
