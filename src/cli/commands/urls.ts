import { dualHome } from '../../adapters/config/home.js';
import { spawn } from 'node:child_process';
import { connectDocker } from '../../adapters/docker-connect.js';
import { DualError } from '../../model/errors.js';
import { listWorkspaceContainers, resolveWorkspace } from '../../../workspaces/resolve.js';
import type { Workspace } from '../../model/workspace.js';
import { workspaceUrl } from '../../model/workspace.js';
import { urlScheme } from '../../adapters/tls/trust-record.js';

export interface WorkspaceUrls {
  id: string;
  state: string;
  urls: string[];
}

function urlsOf(workspace: Workspace): WorkspaceUrls {
  return { id: workspace.id, state: workspace.state, urls: workspace.ports.map((port) => workspaceUrl(workspace.id, port, urlScheme(dualHome()))) };
}

/** Every workspace's URLs, or one's: one request, `dual urls` should answer at once. */
export async function workspaceUrlList(id: string | undefined): Promise<WorkspaceUrls[]> {
  const docker = connectDocker();
  try {
    if (id) return [urlsOf(await resolveWorkspace(docker, id, process.cwd(), dualHome()))];
    return (await listWorkspaceContainers(docker, dualHome())).map(urlsOf).sort((a, b) => a.id.localeCompare(b.id));
  } finally {
    docker.close();
  }
}

/** With no id: the workspace whose worktree holds the current directory. */
export async function openWorkspaceUrls(id: string | undefined): Promise<string[]> {
  const docker = connectDocker();
  let workspace: Workspace;
  try {
    workspace = await resolveWorkspace(docker, id, process.cwd(), dualHome());
  } finally {
    docker.close();
  }
  const { urls } = urlsOf(workspace);
  if (urls.length === 0) throw new DualError(`workspace '${workspace.id}' declares no ports; nothing to open`);
  for (const url of urls) await openInBrowser(url);
  return urls;
}

/** The platform's opener with the URL as one argument: no shell ever sees it. */
function openInBrowser(url: string): Promise<void> {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer.exe' : 'xdg-open';
  return new Promise((resolve, reject) => {
    const child = spawn(opener, [url], { detached: true, stdio: 'ignore' });
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new DualError(`cannot open a browser: ${opener} is not installed; open ${url} yourself`)
          : new DualError(`cannot open a browser with ${opener}: ${error.message}; open ${url} yourself`),
      ),
    );
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
