/** The background proxy as its own pid/state files describe it; never fails the summary. */
export async function proxyState(home: string): Promise<{ state: string; detail?: string }> {
  try {
    const { proxyStatus } = await import('../../../proxy/daemon.js');
    const s = proxyStatus(home);
    if (!s.running) return { state: 'stopped', detail: 'start it with `dual proxy start`' };
    const supervised = s.supervisor?.running ? `, supervised, restarts ${s.supervisor.restarts}` : s.service ? `, run by ${s.service}` : '';
    return { state: 'running', detail: `pid ${s.pid}, ports ${s.ports.join(',') || '-'} on ${s.bind.join(',') || '-'}${supervised}` };
  } catch (error) {
    return { state: 'unknown', detail: (error as Error).message.split('\n')[0] };
  }
}

