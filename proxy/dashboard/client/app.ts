/**
 * The dashboard's browser side. It is one self-contained function: page.ts serialises it
 * with `Function.prototype.toString` into the page's only inline script (allowed by hash in
 * the CSP), so it is type-checked here but has no imports and reaches nothing outside itself.
 *
 * Every value from the server may come from a hostile branch (branch names, commit subjects,
 * log lines): it only ever reaches the page through `textContent`, attribute values set by
 * `setAttribute` on known attributes, and `href`s that the server built. No innerHTML.
 */
export function dashboardApp(): void {
  interface Port {
    port: number;
    url: string;
    answers: boolean | null;
  }
  interface Attached {
    name: string;
    state: string;
    cpuPercent: number | null;
    memoryBytes: number | null;
  }
  interface Workspace {
    id: string;
    repo: string;
    branch: string;
    worktree: string;
    containerState: string;
    status: string;
    statusLabel: string;
    statusDetail: string;
    setupExitCode: number | null;
    ports: Port[];
    commit: { sha: string; subject: string; committedAt: number } | null;
    changes: number | null;
    cpuPercent: number | null;
    memoryBytes: number | null;
    attached: Attached[];
  }
  interface ActionRecord {
    requestId: string;
    workspace: string;
    action: string;
    state: 'running' | 'done' | 'failed';
    message: string;
    forceable: boolean;
  }
  interface Snapshot {
    engineConnected: boolean;
    workspaces: Workspace[];
    actions: ActionRecord[];
  }

  const tokenMeta = document.querySelector('meta[name="dual-token"]');
  const token = tokenMeta ? tokenMeta.getAttribute('content') || '' : '';
  const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
  const main = byId<HTMLElement>('workspaces');
  const live = byId<HTMLElement>('live');
  const summary = byId<HTMLElement>('summary');
  const shown = byId<HTMLElement>('shown');
  const filterInput = byId<HTMLInputElement>('filter');
  const stateSelect = byId<HTMLSelectElement>('state-filter');
  const sortSelect = byId<HTMLSelectElement>('sort');
  const toasts = byId<HTMLElement>('toasts');
  const dialog = byId<HTMLDialogElement>('confirm');

  let snapshot: Snapshot | null = null;
  /** Workspace id -> what is running on it from this page ("stopping"). */
  const busy = new Map<string, string>();
  /** Row signature per workspace: a row is rebuilt only when what it shows changed. */
  const rowSignature = new Map<string, string>();

  // ---- small DOM helpers: text only ----
  function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, string>, ...children: Array<Node | string | null>): HTMLElementTagNameMap[K] {
    const node = document.createElement(tag);
    if (attrs) for (const name of Object.keys(attrs)) node.setAttribute(name, attrs[name] as string);
    for (const child of children) if (child !== null) node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    return node;
  }

  function age(epochSeconds: number): string {
    const s = Math.max(0, Math.round(Date.now() / 1000 - epochSeconds));
    if (s < 60) return 'just now';
    const units: Array<[number, string]> = [[31536000, 'y'], [2592000, 'mo'], [604800, 'w'], [86400, 'd'], [3600, 'h'], [60, 'min']];
    for (const [size, unit] of units) if (s >= size) return `${Math.floor(s / size)} ${unit} ago`;
    return 'just now';
  }

  function bytes(n: number | null): string {
    if (n === null) return '–';
    if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
    if (n < 1024 * 1024 * 1024) return `${Math.round(n / 1024 / 1024)} MB`;
    return `${(n / 1024 / 1024 / 1024).toFixed(1)} GB`;
  }

  function cpu(n: number | null): string {
    return n === null ? '–' : `${n.toFixed(n < 10 ? 1 : 0)} %`;
  }

  function toast(message: string, isError: boolean): void {
    const node = el('div', { class: isError ? 'toast error' : 'toast', role: isError ? 'alert' : 'status' }, message);
    toasts.append(node);
    setTimeout(() => node.remove(), isError ? 12_000 : 5_000);
  }

  // ---- the server-sent events stream, read with fetch so the token travels in a header ----
  async function follow(path: string, onEvent: (event: string, data: string) => void, signal: AbortSignal): Promise<void> {
    const response = await fetch(path, { headers: { 'x-dual-token': token }, cache: 'no-store', signal });
    if (!response.ok || !response.body) throw new Error(`${path}: HTTP ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of frame.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length > 0) onEvent(event, data.join('\n'));
      }
    }
  }

  function connectEvents(retryMs: number): void {
    const controller = new AbortController();
    let gotData = false;
    follow(
      '/api/events',
      (event, data) => {
        if (event !== 'snapshot') return;
        gotData = true;
        setLive(true);
        snapshot = JSON.parse(data) as Snapshot;
        settleActions(snapshot.actions);
        render();
      },
      controller.signal,
    )
      .catch(() => undefined)
      .finally(() => {
        setLive(false);
        const next = gotData ? 1000 : Math.min(retryMs * 2, 10_000);
        setTimeout(() => connectEvents(next), next);
      });
  }

  function setLive(connected: boolean): void {
    const engineDown = snapshot !== null && !snapshot.engineConnected;
    live.setAttribute('data-live', connected && !engineDown ? 'yes' : 'no');
    live.textContent = !connected ? 'reconnecting to the proxy…' : engineDown ? 'Docker engine unreachable; retrying' : 'live';
  }

  // ---- filtering, sorting, grouping ----
  const STATUS_ORDER = ['setup-failed', 'dead', 'not-listening', 'partly-serving', 'restarting', 'setting-up', 'checking', 'serving', 'paused', 'sleeping', 'stopped'];

  function visible(all: Workspace[]): Workspace[] {
    const words = filterInput.value.toLowerCase().split(/\s+/).filter(Boolean);
    const wanted = stateSelect.value;
    const list = all.filter((w) => {
      if (wanted === 'running' && w.containerState !== 'running') return false;
      if (wanted !== 'all' && wanted !== 'running' && w.status !== wanted) return false;
      const hay = `${w.repo} ${w.branch} ${w.id}`.toLowerCase();
      return words.every((word) => hay.includes(word));
    });
    const key = sortSelect.value;
    // Numeric: feat/b2 before feat/b10.
    const byName = (a: Workspace, b: Workspace) => a.repo.localeCompare(b.repo, undefined, { numeric: true }) || a.branch.localeCompare(b.branch, undefined, { numeric: true });
    const compare: Record<string, (a: Workspace, b: Workspace) => number> = {
      name: byName,
      status: (a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || byName(a, b),
      cpu: (a, b) => (b.cpuPercent ?? -1) - (a.cpuPercent ?? -1) || byName(a, b),
      memory: (a, b) => (b.memoryBytes ?? -1) - (a.memoryBytes ?? -1) || byName(a, b),
      commit: (a, b) => (b.commit ? b.commit.committedAt : 0) - (a.commit ? a.commit.committedAt : 0) || byName(a, b),
    };
    return list.sort(compare[key] || byName);
  }

  // ---- rendering ----
  function render(): void {
    if (!snapshot) return;
    setLive(true);
    const all = snapshot.workspaces;
    const counts = new Map<string, number>();
    for (const w of all) counts.set(w.status, (counts.get(w.status) || 0) + 1);
    summary.replaceChildren(
      el('span', undefined, el('b', undefined, String(all.length)), ` workspace${all.length === 1 ? '' : 's'}`),
      el('span', undefined, el('b', undefined, String(counts.get('serving') || 0)), ' serving'),
      el('span', undefined, el('b', undefined, String(all.filter((w) => w.containerState === 'running' && w.status !== 'serving').length)), ' need a look'),
      el('span', undefined, el('b', undefined, String(all.filter((w) => w.containerState !== 'running').length)), ' stopped or asleep'),
    );

    const list = visible(all.slice());
    shown.textContent = list.length === all.length ? '' : `${list.length} of ${all.length} shown`;
    const focusKey = document.activeElement instanceof HTMLElement ? document.activeElement.getAttribute('data-focus') : null;

    if (all.length === 0) {
      main.replaceChildren(
        el('p', { class: 'empty' }, 'No workspaces yet. Create one with ', el('code', undefined, 'dual create <repo> <branch>'), '; it shows up here at once.'),
      );
      rowSignature.clear();
      return;
    }
    if (list.length === 0) {
      main.replaceChildren(el('p', { class: 'empty' }, 'No workspace matches the filter.'));
      rowSignature.clear();
      return;
    }

    const groups = new Map<string, Workspace[]>();
    for (const w of list) {
      const group = groups.get(w.repo);
      if (group) group.push(w);
      else groups.set(w.repo, [w]);
    }
    const repos = sortSelect.value === 'name' ? [...groups.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })) : [...groups.keys()];
    const sections: HTMLElement[] = [];
    const seen = new Set<string>();
    for (const repo of repos) {
      const section = sectionFor(repo);
      const rows = groups.get(repo) as Workspace[];
      const heading = section.querySelector('h2 small') as HTMLElement;
      const serving = rows.filter((w) => w.status === 'serving').length;
      heading.textContent = `${rows.length} workspace${rows.length === 1 ? '' : 's'} · ${serving} serving`;
      const tbody = section.querySelector('tbody') as HTMLTableSectionElement;
      const wanted: HTMLTableRowElement[] = rows.map((w) => {
        seen.add(w.id);
        return rowFor(w, tbody);
      });
      // Move rows only when the order changed: moving a node would drop keyboard focus.
      wanted.forEach((row, i) => {
        if (tbody.children[i] !== row) tbody.insertBefore(row, tbody.children[i] || null);
      });
      while (tbody.children.length > wanted.length) (tbody.lastElementChild as Element).remove();
      sections.push(section);
    }
    sections.forEach((section, i) => {
      if (main.children[i] !== section) main.insertBefore(section, main.children[i] || null);
    });
    while (main.children.length > sections.length) (main.lastElementChild as Element).remove();
    for (const id of [...rowSignature.keys()]) if (!seen.has(id)) rowSignature.delete(id);

    if (focusKey && !(document.activeElement instanceof HTMLElement && document.activeElement.getAttribute('data-focus') === focusKey)) {
      const again = main.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`);
      if (again instanceof HTMLElement) again.focus();
    }
    refreshLogTitle();
  }

  function sectionFor(repo: string): HTMLElement {
    for (const child of Array.from(main.children)) if (child instanceof HTMLElement && child.dataset.repo === repo) return child;
    const headingId = `repo-${Math.random().toString(36).slice(2)}`;
    const section = el(
      'section',
      { class: 'repo', 'aria-labelledby': headingId },
      el('h2', { id: headingId }, repo, ' ', el('small')),
      el(
        'table',
        undefined,
        el(
          'thead',
          undefined,
          el(
            'tr',
            undefined,
            el('th', { scope: 'col' }, 'Branch'),
            el('th', { scope: 'col', class: 'col-state' }, 'State'),
            el('th', { scope: 'col', class: 'col-urls' }, 'URLs'),
            el('th', { scope: 'col', class: 'col-usage hide-narrow' }, 'CPU · memory'),
            el('th', { scope: 'col', class: 'col-attached hide-narrow' }, 'Attached'),
            el('th', { scope: 'col', class: 'col-actions' }, el('span', { class: 'visually-hidden' }, 'Actions')),
          ),
        ),
        el('tbody'),
      ),
    );
    section.dataset.repo = repo;
    return section;
  }

  function rowFor(w: Workspace, tbody: HTMLTableSectionElement): HTMLTableRowElement {
    const signature = JSON.stringify([w, busyLabel(w.id), w.commit ? age(w.commit.committedAt) : '']);
    let row: HTMLTableRowElement | null = null;
    for (const child of Array.from(tbody.children)) if (child instanceof HTMLTableRowElement && child.dataset.id === w.id) row = child;
    if (!row) {
      row = el('tr');
      row.dataset.id = w.id;
    } else if (rowSignature.get(w.id) === signature) {
      return row;
    }
    rowSignature.set(w.id, signature);
    row.setAttribute('data-status', w.status);
    row.replaceChildren(branchCell(w), stateCell(w), portsCell(w), usageCell(w), attachedCell(w), actionsCell(w));
    return row;
  }

  function branchCell(w: Workspace): HTMLTableCellElement {
    const changes =
      w.changes === null
        ? null
        : w.changes > 0
          ? el('span', { class: 'dirty' }, `${w.changes} uncommitted change${w.changes === 1 ? '' : 's'}`)
          : el('span', { class: 'clean' }, 'clean');
    const commit = w.commit
      ? el('div', { class: 'commit' }, el('code', undefined, w.commit.sha), el('span', { class: 'subject', title: w.commit.subject }, w.commit.subject), el('span', { class: 'age' }, `· ${age(w.commit.committedAt)}`))
      : null;
    return el('td', { 'data-col': 'branch' }, el('div', { class: 'title' }, el('span', { class: 'branch' }, w.branch), el('span', { class: 'wsid mono' }, w.id), changes), commit);
  }

  function stateCell(w: Workspace): HTMLTableCellElement {
    const badge = el('span', { class: 'badge', 'data-status': w.status, title: w.statusDetail }, w.statusLabel);
    const exit = w.status === 'setup-failed' && w.setupExitCode !== null ? el('span', { class: 'note' }, `exit code ${w.setupExitCode}`) : null;
    const pending = busyLabel(w.id);
    return el('td', { 'data-col': 'state' }, badge, el('span', { class: 'visually-hidden' }, `: ${w.statusDetail}`), exit, pending ? el('span', { class: 'busy', role: 'status' }, `${pending}…`) : null);
  }

  function portsCell(w: Workspace): HTMLTableCellElement {
    if (w.ports.length === 0) return el('td', undefined, el('span', { class: 'none' }, 'no ports'));
    const items = w.ports.map((p) => {
      const running = w.containerState === 'running';
      const answers = !running ? 'off' : p.answers === null ? 'unknown' : p.answers ? 'yes' : 'no';
      const said = !running ? '' : p.answers === null ? 'checking' : p.answers ? 'answers' : 'no answer';
      return el(
        'li',
        { class: 'port', 'data-answers': answers, 'data-port': String(p.port) },
        el('a', { href: p.url, target: '_blank', rel: 'noopener noreferrer', class: 'mono' }, ...urlText(p.url)),
        said ? el('small', undefined, said) : null,
      );
    });
    return el('td', { 'data-col': 'ports' }, el('ul', { class: 'ports' }, ...items));
  }

  /** `shop-main.localhost:3000`, allowed to wrap only before `.localhost`, never inside the id or the port. */
  function urlText(url: string): Array<Node | string> {
    const bare = url.replace(/^https?:\/\//, '');
    const dot = bare.indexOf('.');
    return dot < 0 ? [bare] : [bare.slice(0, dot), el('wbr'), bare.slice(dot)];
  }

  function usageCell(w: Workspace): HTMLTableCellElement {
    if (w.containerState !== 'running') return el('td', { class: 'hide-narrow usage' }, '–');
    if (w.cpuPercent === null && w.memoryBytes === null) return el('td', { class: 'hide-narrow usage' }, 'sampling…');
    return el('td', { class: 'hide-narrow usage' }, el('b', undefined, cpu(w.cpuPercent)), el('b', undefined, bytes(w.memoryBytes)));
  }

  function attachedCell(w: Workspace): HTMLTableCellElement {
    if (w.attached.length === 0) return el('td', { class: 'hide-narrow' }, el('span', { class: 'none' }, '–'));
    // Stopped with its workspace (asleep or stopped by the user) is expected, not a failure to show in red.
    const stoppedWith = w.containerState !== 'running' ? (w.status === 'sleeping' ? 'sleeping' : 'stopped') : undefined;
    const chips = w.attached.map((a) => {
      const state = stoppedWith && a.state === 'exited' ? stoppedWith : a.state;
      const button = el('button', { type: 'button', class: 'chip', 'data-state': state, 'data-focus': `${w.id}:attached:${a.name}`, title: `${a.name}: ${state}; show its logs` }, `${a.name} · ${state}`);
      button.addEventListener('click', () => openLogs(w.id, a.name));
      return el('li', undefined, button);
    });
    return el('td', { class: 'hide-narrow' }, el('ul', { class: 'attached', 'aria-label': 'attached containers' }, ...chips));
  }

  function actionsCell(w: Workspace): HTMLTableCellElement {
    const pending = busyLabel(w.id) !== '';
    const running = w.containerState === 'running';
    // While an action runs the buttons say so but stay focusable (a disabled button would drop keyboard focus).
    const button = (action: string, focus: string, text: string, onClick: () => void, extra?: Record<string, string>) => {
      const node = el('button', { type: 'button', 'data-action': action, 'data-focus': `${w.id}:${focus}`, 'aria-label': `${text} ${w.id}`, ...extra }, text);
      if (pending && action !== 'logs') node.setAttribute('aria-disabled', 'true');
      node.addEventListener('click', () => {
        if (node.getAttribute('aria-disabled') !== 'true') onClick();
      });
      return node;
    };
    const box = el('div', { class: 'actions' });
    box.append(button('logs', 'logs', 'Logs', () => openLogs(w.id, null)));
    box.append(running ? button('stop', 'toggle', 'Stop', () => void act(w.id, 'stop', false)) : button('start', 'toggle', 'Start', () => void act(w.id, 'start', false)));
    if (running) box.append(button('restart', 'restart', 'Restart', () => void act(w.id, 'restart', false)));
    // A sleeping workspace wakes on the next request; Stop makes it stopped by the user, which nothing wakes.
    if (w.status === 'sleeping') box.append(button('stop', 'stop', 'Stop', () => void act(w.id, 'stop', false)));
    box.append(button('destroy', 'destroy', 'Destroy', () => confirmDestroy(w.id), { class: 'danger' }));
    return el('td', { 'data-col': 'actions' }, box);
  }

  // ---- actions ----
  const PROGRESS: Record<string, string> = { start: 'starting', stop: 'stopping', restart: 'restarting', destroy: 'destroying' };

  /** What runs on a workspace now, from this page or any other (the snapshot carries every tab's actions). */
  function busyLabel(id: string): string {
    const mine = busy.get(id);
    if (mine) return mine;
    const other = snapshot ? snapshot.actions.find((a) => a.workspace === id && a.state === 'running') : undefined;
    return other ? PROGRESS[other.action] || other.action : '';
  }

  /** Outcomes this page waits for, by request id: they arrive in the snapshot, not in the POST's answer. */
  const waiters = new Map<string, (record: ActionRecord) => void>();

  function settleActions(records: ActionRecord[]): void {
    for (const record of records) {
      const waiter = record.state === 'running' ? undefined : waiters.get(record.requestId);
      if (waiter) {
        waiters.delete(record.requestId);
        waiter(record);
      }
    }
  }

  function newRequestId(): string {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  async function act(id: string, action: string, force: boolean): Promise<{ ok: boolean; message: string; forceable: boolean }> {
    const requestId = newRequestId();
    busy.set(id, PROGRESS[action] || action);
    render();
    const outcome = new Promise<ActionRecord>((resolve) => waiters.set(requestId, resolve));
    try {
      // Starting or stopping a container changes the host's network interfaces, and Chromium may
      // then drop the connection (ERR_NETWORK_CHANGED). The request id makes a resend harmless.
      let refusal = '';
      let accepted = false;
      for (let attempt = 0; attempt < 5 && !accepted && !refusal; attempt += 1) {
        try {
          const response = await fetch(`/api/workspaces/${encodeURIComponent(id)}/${action}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-dual-token': token },
            body: JSON.stringify({ force, requestId }),
            cache: 'no-store',
          });
          if (response.status === 202) accepted = true;
          else refusal = ((await response.json().catch(() => ({}))) as { error?: string }).error || `HTTP ${response.status}`;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 300 * (attempt + 1)));
        }
      }
      if (!accepted) {
        waiters.delete(requestId);
        const message = refusal || 'the proxy could not be reached';
        toast(`${action} ${id} failed: ${message}`, true);
        return { ok: false, message, forceable: false };
      }
      const record = await outcome;
      const ok = record.state === 'done';
      if (ok) toast(`${id}: ${record.message}`, false);
      else if (!record.forceable) toast(`${action} ${id} failed: ${record.message}`, true);
      return { ok, message: record.message, forceable: record.forceable };
    } finally {
      busy.delete(id);
      render();
    }
  }

  /** Destroy asks first; a refusal (uncommitted work, unpushed commits) is shown as is, and forcing needs the id typed. */
  function confirmDestroy(id: string): void {
    const title = byId<HTMLElement>('confirm-title');
    const text = byId<HTMLElement>('confirm-text');
    const refusal = byId<HTMLElement>('confirm-refusal');
    const typed = byId<HTMLInputElement>('confirm-typed');
    const typedLabel = byId<HTMLElement>('confirm-typed-label');
    const ok = byId<HTMLButtonElement>('confirm-ok');
    const cancel = byId<HTMLButtonElement>('confirm-cancel');
    let forcing = false;

    const showAsk = () => {
      title.textContent = `Destroy ${id}?`;
      text.textContent = 'This removes its container, attached containers, volumes and worktree. The branch stays. Uncommitted work stops it, and you will be asked again.';
      refusal.hidden = true;
      typedLabel.hidden = true;
      ok.textContent = 'Destroy';
      ok.disabled = false;
    };
    const showRefusal = (message: string) => {
      forcing = true;
      title.textContent = `${id} was not destroyed`;
      text.textContent = 'dual refused, to keep work from being lost:';
      refusal.textContent = message;
      refusal.hidden = false;
      typedLabel.hidden = false;
      typed.value = '';
      ok.textContent = 'Destroy anyway, losing this work';
      ok.disabled = true;
      typed.focus();
    };
    typed.oninput = () => {
      ok.disabled = forcing && typed.value.trim() !== id;
    };
    cancel.onclick = () => dialog.close();
    ok.onclick = async () => {
      ok.disabled = true;
      const result = await act(id, 'destroy', forcing);
      if (result.ok) dialog.close();
      else if (result.forceable && !forcing) showRefusal(result.message);
      else {
        refusal.textContent = result.message;
        refusal.hidden = false;
        ok.disabled = false;
      }
    };
    showAsk();
    dialog.showModal();
    cancel.focus();
  }

  // ---- logs ----
  const logPanel = byId<HTMLElement>('logs');
  const logTitle = byId<HTMLElement>('logs-title');
  const logOutput = byId<HTMLElement>('log-output');
  const logState = byId<HTMLElement>('log-state');
  const logFollow = byId<HTMLInputElement>('log-follow');
  const MAX_LOG_CHARS = 400_000;
  let logTarget: { id: string; attached: string | null } | null = null;
  let logAbort: AbortController | null = null;
  let logOpener: HTMLElement | null = null;
  /** The followed container stopped: the stream is reopened when it runs again. */
  let logEnded = false;

  function stripAnsi(text: string): string {
    return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\u001b\][^\u0007]*\u0007/g, '');
  }

  function openLogs(id: string, attached: string | null, resumed = false): void {
    if (!resumed) logOpener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    logAbort?.abort();
    const controller = new AbortController();
    logAbort = controller;
    logTarget = { id, attached };
    logEnded = false;
    // On a restart the container's log holds the earlier runs too: show its tail afresh.
    logOutput.replaceChildren();
    logPanel.hidden = false;
    main.classList.add('with-logs');
    refreshLogTitle();
    logState.textContent = 'connecting…';
    const params = new URLSearchParams({ workspace: id, tail: '200' });
    if (attached) params.set('attached', attached);
    follow(
      `/api/logs?${params.toString()}`,
      (event, data) => {
        const value = JSON.parse(data) as { stream?: string; text?: string; reason?: string };
        if (event === 'log') appendLog(stripAnsi(value.text || ''), value.stream === 'stderr');
        if (event === 'end') {
          logState.textContent = `ended: ${value.reason || ''}`;
          logEnded = true;
        }
      },
      controller.signal,
    ).then(
      () => undefined,
      (error: unknown) => {
        if (!controller.signal.aborted) logState.textContent = `stopped: ${String(error)}`;
      },
    );
    logState.textContent = resumed ? 'following (started again)' : 'following';
    if (!resumed) byId<HTMLButtonElement>('log-close').focus();
  }

  function appendLog(text: string, isErr: boolean): void {
    const stick = logFollow.checked;
    if (isErr) logOutput.append(el('span', { class: 'err' }, text));
    else logOutput.append(document.createTextNode(text));
    let total = logOutput.textContent ? logOutput.textContent.length : 0;
    while (total > MAX_LOG_CHARS && logOutput.firstChild) {
      total -= (logOutput.firstChild.textContent || '').length;
      logOutput.firstChild.remove();
    }
    if (stick) logOutput.scrollTop = logOutput.scrollHeight;
  }

  function refreshLogTitle(): void {
    if (!logTarget) return;
    const target = logTarget;
    const ws = snapshot ? snapshot.workspaces.find((w) => w.id === target.id) : undefined;
    const state = !ws ? undefined : target.attached ? ws.attached.find((a) => a.name === target.attached)?.state : ws.containerState;
    if (logEnded && state === 'running') openLogs(target.id, target.attached, true);
    const what = target.attached ? `${target.attached} (attached to ${target.id})` : target.id;
    logTitle.textContent = `Logs: ${what}${ws ? '' : ' (destroyed)'}`;
  }

  function closeLogs(): void {
    logAbort?.abort();
    logAbort = null;
    logTarget = null;
    logPanel.hidden = true;
    main.classList.remove('with-logs');
    if (logOpener && document.contains(logOpener)) logOpener.focus();
  }

  byId<HTMLButtonElement>('log-close').addEventListener('click', closeLogs);
  byId<HTMLButtonElement>('log-clear').addEventListener('click', () => logOutput.replaceChildren());
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !logPanel.hidden && !dialog.open) closeLogs();
  });

  filterInput.addEventListener('input', render);
  stateSelect.addEventListener('change', render);
  sortSelect.addEventListener('change', render);
  // Commit ages move on with the clock.
  setInterval(render, 60_000);
  connectEvents(500);
}
