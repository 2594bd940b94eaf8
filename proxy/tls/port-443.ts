/**
 * `proxy.https443`: the proxy also listens on 443, where `https://<id>.localhost/` (no port)
 * reaches the workspace's first port. Never required, and never bought with sudo behind the
 * user's back: where 443 needs privilege, the message names the two ways to grant it.
 */
const HTTPS_PORT = 443;

/** The listening ports: the workspaces' (or pinned) ones, plus 443 when asked for. */
export function withHttps443(ports: readonly number[], https443: boolean): number[] {
  return https443 && !ports.includes(HTTPS_PORT) ? [...ports, HTTPS_PORT] : [...ports];
}

/** For EACCES on a port below 1024 (Linux): how to allow it without running dual as root. Pure. */
export function privilegedPortHint(port: number, nodePath: string, platform: NodeJS.Platform): string {
  if (port >= 1024) return '';
  if (platform !== 'linux') return `; ports below 1024 need privilege here: set "https443": false or run the proxy with it`;
  return (
    `; ports below 1024 need privilege: allow them for every user with \`sudo sysctl net.ipv4.ip_unprivileged_port_start=${port}\`` +
    ` or for node only with \`sudo setcap cap_net_bind_service=+ep ${nodePath}\`, or set "https443": false`
  );
}
