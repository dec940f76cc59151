// Operations page: plain JS, no build step. Every number comes from the gateway's JSON APIs, called with
// the ops key from sessionStorage as a bearer header (never in a URL). Text is set with textContent only.
'use strict';
(function () {
  const KEY = 'circulation.opsKey';
  const view = document.getElementById('view');
  const charts = [];
  let pendingCharts = [];
  let session = null;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }
  const fmt = (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : n === null || n === undefined ? '–' : String(n));
  const num = (n, key) => el('td', { class: 'num', 'data-value': key }, fmt(n));

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || 'HTTP ' + status);
      this.status = status;
      this.body = body;
    }
  }

  async function api(path) {
    const res = await fetch(path, { headers: { authorization: 'Bearer ' + sessionStorage.getItem(KEY), accept: 'application/json' }, cache: 'no-store' });
    const text = await res.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch (e) {
      body = null;
    }
    if (res.status === 401) {
      signOut('The key was refused (revoked or expired). Sign in again.');
      throw new ApiError(401, body);
    }
    if (!res.ok && res.status !== 503) throw new ApiError(res.status, body);
    return body;
  }

  /** A view whose backing service is not part of this deployment yet answers 404: show an empty state. */
  function unavailable(what, err) {
    if (err instanceof ApiError && err.status === 404) return el('p', { class: 'empty', 'data-empty': what }, `No ${what} in this deployment (the service does not answer here).`);
    return el('p', { class: 'error', role: 'alert' }, `Could not load ${what}: ${err.message}`);
  }

  /** Charts are drawn once their canvas is in the document (Chart.js sizes them from the layout). */
  function chart(canvas, config) {
    pendingCharts.push(() => {
      if (!window.Chart) return;
      charts.push(new window.Chart(canvas, { ...config, options: { animation: false, responsive: true, maintainAspectRatio: false, ...(config.options || {}) } }));
      canvas.setAttribute('data-chart', 'drawn');
    });
  }

  function clear() {
    pendingCharts = [];
    while (charts.length) charts.pop().destroy();
    view.replaceChildren();
  }

  function table(columns, rows) {
    return el(
      'table',
      {},
      el('thead', {}, el('tr', {}, columns.map((c) => el('th', { class: c.num ? 'num' : undefined }, c.label)))),
      el('tbody', {}, rows),
    );
  }

  // ---- views -------------------------------------------------------------------------------------

  const views = {
    async health() {
      const report = await api('/health');
      const names = Object.keys(report.services || {}).sort();
      const up = names.filter((n) => report.services[n].status === 'up').length;
      const rows = names.map((n) => {
        const s = report.services[n];
        const checks = Object.entries(s.checks || {}).map(([k, c]) => `${k} ${c.status}${c.latencyMs !== undefined ? ' (' + c.latencyMs + ' ms)' : ''}`);
        return el(
          'tr',
          { 'data-service': n },
          el('td', {}, n),
          el('td', { class: 'status-' + s.status, 'data-status': n }, s.status),
          el('td', {}, checks.join(', ') || (s.error ? String(s.error) : '')),
          el('td', { class: 'num' }, s.uptimeSeconds !== undefined ? fmt(Math.round(s.uptimeSeconds / 60)) + ' min' : '–'),
        );
      });
      return [
        el('div', { class: 'tiles' }, tile('overall', report.status, 'data-overall'), tile('services up', `${up} / ${names.length}`, 'data-up')),
        el('div', { class: 'card' }, el('h2', {}, 'Services'), table([{ label: 'service' }, { label: 'status' }, { label: 'checks' }, { label: 'uptime', num: true }], rows)),
      ];
    },

    async today() {
      const day = session.today;
      const card = el('div', { class: 'card' }, el('h2', {}, `Circulation today (${day}, ${session.timezone}) by branch and channel`));
      let report;
      try {
        report = await api(`/api/statistics/circulation?from=${day}&to=${day}`);
      } catch (err) {
        card.append(unavailable('statistics', err));
        return [card];
      }
      const byAction = {};
      const cells = {};
      const branches = new Set();
      const channels = new Set();
      for (const r of report.rows) {
        branches.add(r.branch);
        channels.add(r.channel);
        cells[r.branch + '|' + r.channel] = (cells[r.branch + '|' + r.channel] || 0) + Number(r.count);
        byAction[r.action] = (byAction[r.action] || 0) + Number(r.count);
      }
      const ch = [...channels].sort();
      const br = [...branches].sort();
      const total = Object.values(cells).reduce((a, b) => a + b, 0);
      const tiles = el(
        'div',
        { class: 'tiles' },
        tile('transactions today', fmt(total), 'total'),
        Object.keys(byAction)
          .sort()
          .map((a) => tile(a, fmt(byAction[a]), 'action:' + a)),
      );
      if (report.rows.length === 0) {
        card.append(el('p', { class: 'empty', 'data-empty': 'today' }, 'No circulation yet today.'));
        return [tiles, card];
      }
      const rows = br.map((b) =>
        el(
          'tr',
          {},
          el('td', {}, b),
          ch.map((c) => num(cells[b + '|' + c] || 0, 'cell:' + b + '|' + c)),
          num(ch.reduce((s, c) => s + (cells[b + '|' + c] || 0), 0), 'branch:' + b),
        ),
      );
      card.append(table([{ label: 'branch' }, ...ch.map((c) => ({ label: c, num: true })), { label: 'total', num: true }], rows));
      const canvas = el('canvas', { 'aria-label': 'circulation today by branch and channel' });
      card.append(el('div', { class: 'chart' }, canvas));
      chart(canvas, {
        type: 'bar',
        data: { labels: br, datasets: ch.map((c) => ({ label: c, data: br.map((b) => cells[b + '|' + c] || 0) })) },
        options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
      });
      return [tiles, card];
    },

    async heatmap() {
      const to = session.today;
      const from = addDays(to, -27);
      const card = el('div', { class: 'card' }, el('h2', {}, `Checkouts by weekday and hour, ${from} to ${to} (${session.timezone})`));
      let report;
      try {
        report = await api(`/api/statistics/heatmap?from=${from}&to=${to}&action=checkout`);
      } catch (err) {
        card.append(unavailable('statistics', err));
        return [card];
      }
      const max = Math.max(1, ...report.counts.flat());
      const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
      const rows = report.counts.map((row, d) =>
        el(
          'tr',
          {},
          el('th', {}, days[d]),
          row.map((n, h) => {
            const td = el('td', { 'data-value': `heat:${d + 1}:${h}`, title: `${days[d]} ${String(h).padStart(2, '0')}:00 — ${n}` }, n ? String(n) : '');
            td.style.background = `rgba(31, 111, 235, ${(n / max).toFixed(3)})`;
            if (n / max > 0.55) td.style.color = '#fff';
            return td;
          }),
        ),
      );
      card.append(
        el('div', { class: 'tiles' }, tile('checkouts in the period', fmt(report.total), 'heat-total')),
        el('table', { class: 'heat' }, el('thead', {}, el('tr', {}, el('th', {}, ''), Array.from({ length: 24 }, (_, h) => el('th', {}, String(h))))), el('tbody', {}, rows)),
      );
      return [card];
    },

    async annual() {
      const input = el('input', { type: 'number', min: 2000, max: 2100, value: currentYear, 'aria-label': 'year', id: 'year' });
      const show = el('button', { type: 'button', id: 'show-year' }, 'Show');
      const body = el('div', {});
      show.addEventListener('click', () => {
        currentYear = Number(input.value);
        void render('annual');
      });
      const card = el('div', { class: 'card' }, el('h2', {}, `Annual report ${currentYear}`), el('div', { class: 'controls' }, el('label', {}, 'Year ', input), show), body);
      let report;
      try {
        report = await api(`/api/statistics/annual?year=${currentYear}`);
      } catch (err) {
        body.append(unavailable('statistics', err));
        return [card];
      }
      body.append(reportTable(report.table, 'annual'), el('h2', { class: 'spaced' }, report.indicators.title || 'Evaluation indicators'), reportTable(report.indicators, 'indicator'));
      const branches = el('div', { class: 'card' }, el('h2', {}, report.branches.title || 'Loans per branch'));
      const canvas = el('canvas', { 'aria-label': 'loans per branch' });
      branches.append(el('div', { class: 'chart' }, canvas), reportTable(report.branches, 'branch'));
      chart(canvas, {
        type: 'bar',
        data: { labels: report.branches.rows.map((r) => r.branch), datasets: [{ label: 'checkouts', data: report.branches.rows.map((r) => Number(r.count)) }] },
        options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
      });
      return [card, branches];
    },

    async sip2() {
      const [metrics, terminals] = await Promise.all([api('/api/sip2/metrics'), api('/api/sip2/terminals?limit=200')]);
      const errors = Object.values(metrics.frames).reduce((a, b) => a + b, 0);
      const tiles = el(
        'div',
        { class: 'tiles' },
        tile('connected now', fmt(metrics.connections.open), 'sip2-open'),
        tile('connections since start', fmt(metrics.connections.total), 'sip2-total'),
        tile('logins ok / failed', `${fmt(metrics.logins.ok)} / ${fmt(metrics.logins.failed)}`, 'sip2-logins'),
        tile('frame errors', fmt(errors), 'sip2-frame-errors'),
        tile('terminal accounts', fmt(terminals.total), 'sip2-terminals'),
      );
      // connected now per terminal login (several kiosks may share one login); 0 when none is logged in
      const connected = metrics.connectedByTerminal || {};
      const rows = terminals.items.map((t) =>
        el('tr', { 'data-terminal': t.login }, el('td', {}, t.login), el('td', {}, t.institutionId), el('td', {}, t.location), el('td', { class: t.enabled ? 'status-up' : 'status-down' }, t.enabled ? 'enabled' : 'disabled'), num(connected[t.login] || 0, 'sip2-connected:' + t.login), el('td', {}, t.description || '')),
      );
      const msgRows = metrics.messages.map((m) => el('tr', {}, el('td', {}, `${m.code} ${m.name}`), el('td', { class: 'num' }, fmt(m.count)), el('td', { class: 'num' }, fmt(m.errors))));
      return [
        tiles,
        el('div', { class: 'card' }, el('h2', {}, 'Terminal accounts'), table([{ label: 'login' }, { label: 'institution' }, { label: 'location' }, { label: 'state' }, { label: 'connected now', num: true }, { label: 'description' }], rows)),
        el('div', { class: 'card' }, el('h2', {}, 'Messages since start'), msgRows.length ? table([{ label: 'message' }, { label: 'count', num: true }, { label: 'errors', num: true }], msgRows) : el('p', { class: 'empty' }, 'No SIP2 messages yet.')),
      ];
    },

    async lockers() {
      const card = el('div', { class: 'card' }, el('h2', {}, 'Lockers and compartments'));
      let lockers;
      try {
        lockers = await api('/api/delivery/lockers');
      } catch (err) {
        card.append(unavailable('lockers', err));
        return [card];
      }
      if (!lockers.length) {
        card.append(el('p', { class: 'empty', 'data-empty': 'lockers' }, 'No lockers registered.'));
        return [card];
      }
      // takes orders: in service (staff) and its controller not silent (docs/o2o-delivery.md, Heartbeats)
      const online = lockers.filter((l) => l.online && !l.silent).length;
      const state = (l) =>
        !l.online ? 'offline' : l.silent ? `silent since ${new Date(l.lastSeenAt).toLocaleString()}` : 'online';
      const rows = lockers.map((l) => {
        const states = {};
        for (const c of l.compartments) states[c.state] = (states[c.state] || 0) + 1;
        return el(
          'tr',
          { 'data-locker': l.code },
          el('td', {}, l.code),
          el('td', {}, l.name),
          el('td', {}, l.branch),
          el('td', { class: l.online && !l.silent ? 'status-up' : 'status-down' }, state(l)),
          num(l.compartments.length, 'compartments:' + l.code),
          el('td', {}, Object.entries(states).map(([s, n]) => `${s} ${n}`).join(', ')),
        );
      });
      card.append(table([{ label: 'code' }, { label: 'name' }, { label: 'branch' }, { label: 'state' }, { label: 'compartments', num: true }, { label: 'compartment states' }], rows));
      return [el('div', { class: 'tiles' }, tile('lockers', fmt(lockers.length), 'lockers'), tile('online', fmt(online), 'lockers-online')), card];
    },

    async partners() {
      const card = el('div', { class: 'card' }, el('h2', {}, 'Partner exchanges that failed and wait for a person'));
      let page;
      try {
        page = await api('/api/federation/failed?status=open&limit=100');
      } catch (err) {
        card.append(unavailable('partner exchanges', err));
        return [card];
      }
      if (!page.items.length) {
        card.append(el('p', { class: 'empty', 'data-empty': 'partners' }, 'Nothing waiting.'));
        return [el('div', { class: 'tiles' }, tile('waiting', '0', 'failed-open')), card];
      }
      const rows = page.items.map((f) =>
        el('tr', { 'data-failure': f.id }, el('td', {}, f.createdAt.replace('T', ' ').slice(0, 16)), el('td', {}, f.partner), el('td', {}, f.service), el('td', {}, f.reason), num(f.attempts, 'attempts:' + f.id)),
      );
      card.append(table([{ label: 'since (UTC)' }, { label: 'partner' }, { label: 'service' }, { label: 'reason' }, { label: 'attempts', num: true }], rows));
      return [el('div', { class: 'tiles' }, tile('waiting', fmt(page.total), 'failed-open')), card];
    },
  };

  let currentYear = new Date().getFullYear();

  function tile(label, value, key) {
    return el('div', { class: 'tile' }, el('div', { class: 'value', 'data-value': key }, value), el('div', { class: 'label' }, label));
  }

  function reportTable(t, prefix) {
    const rows = t.rows.map((r, i) =>
      el(
        'tr',
        {},
        t.columns.map((c) => (typeof r[c.key] === 'number' ? num(r[c.key], `${prefix}:${i}:${c.key}`) : el('td', { 'data-value': `${prefix}:${i}:${c.key}` }, r[c.key] === null || r[c.key] === undefined ? '–' : String(r[c.key])))),
      ),
    );
    return table(t.columns.map((c) => ({ label: c.label, num: t.rows.some((r) => typeof r[c.key] === 'number') })), rows);
  }

  function addDays(isoDate, n) {
    const d = new Date(isoDate + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  // ---- navigation and sign-in --------------------------------------------------------------------

  async function render(name) {
    if (!views[name]) name = 'health';
    for (const b of document.querySelectorAll('#views button')) b.toggleAttribute('aria-current', false);
    document.querySelector(`#views button[data-view="${name}"]`).setAttribute('aria-current', 'page');
    clear();
    view.setAttribute('data-view', name);
    view.setAttribute('data-state', 'loading');
    try {
      const parts = await views[name]();
      const draw = pendingCharts;
      clear();
      view.append(...parts);
      for (const d of draw) d();
      view.setAttribute('data-state', 'ready');
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      clear();
      view.append(el('p', { class: 'error', role: 'alert' }, `Could not load this view: ${err.message}`));
      view.setAttribute('data-state', 'error');
    }
  }

  async function start() {
    try {
      session = await api('/api/ops/session');
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) signOut('This key is not an ops key.');
      else if (!(err instanceof ApiError && err.status === 401)) signOut(`Could not sign in: ${err.message}`);
      return;
    }
    document.getElementById('sign-in').hidden = true;
    document.getElementById('views').hidden = false;
    document.getElementById('sign-out').hidden = false;
    document.getElementById('who').textContent = `${session.name} (${session.role})`;
    await render(location.hash.slice(1) || 'health');
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY);
    session = null;
    clear();
    view.removeAttribute('data-view');
    document.getElementById('views').hidden = true;
    document.getElementById('sign-out').hidden = true;
    document.getElementById('who').textContent = '';
    document.getElementById('sign-in').hidden = false;
    document.getElementById('sign-in-error').textContent = message || '';
  }

  document.getElementById('sign-in-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = document.getElementById('api-key');
    sessionStorage.setItem(KEY, input.value.trim());
    input.value = '';
    void start();
  });
  document.getElementById('sign-out').addEventListener('click', () => signOut(''));
  document.getElementById('views').addEventListener('click', (e) => {
    const name = e.target && e.target.getAttribute && e.target.getAttribute('data-view');
    if (name) {
      history.replaceState(null, '', '#' + name);
      void render(name);
    }
  });

  if (sessionStorage.getItem(KEY)) void start();
  else signOut('');
})();
