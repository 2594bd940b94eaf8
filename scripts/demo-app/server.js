// The demo's sample app: a dev server that shows its branch and message.txt, read on
// every request, so an edit in the worktree shows up on the next reload.
const http = require('node:http');
const fs = require('node:fs');

const branch = process.env.DUAL_BRANCH || 'unknown';
http
  .createServer((req, res) => {
    const message = fs.readFileSync('message.txt', 'utf8').trim();
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><title>${branch}</title><h1>${message}</h1><p>branch ${branch}, served from ${require('node:os').hostname()}:3000</p>\n`);
  })
  .listen(3000, () => console.log(`listening on :3000 for ${branch}`));
