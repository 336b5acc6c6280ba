// The administrators' pages: settings, audit log and dead letters. The page (headings, forms,
// labels) comes from the server; this module fills its tables from the JSON API and sends its
// forms there, so the API's own rules (roles, tenancy, limits) decide every change.
import { apiFor, allItems, texts, formats, problemText, el } from './common.js';

const main = document.querySelector('main.admin');
const t = texts(main);
const f = formats(main.dataset.locale);
const api = apiFor(main.dataset.account);
const statusLine = document.getElementById('admin-status');
const errorLine = document.getElementById('admin-error');
const rows = document.getElementById('rows');

function say(text) {
  errorLine.textContent = '';
  statusLine.textContent = text;
}

function showError(text) {
  statusLine.textContent = '';
  errorLine.textContent = text;
}

function fail(result) {
  showError(problemText(t, result));
}

function emptyRow(columns, text = t('empty')) {
  return el('tr', { class: 'empty-row' }, el('td', { colspan: columns, class: 'muted', text }));
}

function onSubmit(form, submit) {
  form?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('[type=submit]');
    button.disabled = true;
    try { await submit(form.elements); } finally { button.disabled = false; }
  });
}

function numberOrNull(input) {
  return input.value.trim() === '' ? null : Number(input.value);
}

for (const button of document.querySelectorAll('button.copy')) {
  button.addEventListener('click', async () => {
    const input = document.getElementById(button.dataset.copy);
    input.select();
    try { await navigator.clipboard.writeText(input.value); } catch { document.execCommand?.('copy'); }
    say(t('copied'));
  });
}

async function accountUsers() {
  const result = await allItems(api, '/users');
  return result.ok ? result.items : [];
}

// ---- users and roles
async function users() {
  const load = async () => {
    const result = await allItems(api, '/users');
    if (!result.ok) { fail(result); return; }
    rows.replaceChildren(...result.items.map(userRow));
  };
  const userRow = (user) => {
    const self = user.id === main.dataset.user;
    const role = el('select', { 'aria-label': t('changeRole', user.name), disabled: self },
      ['agent', 'supervisor', 'admin'].map((r) => el('option', { value: r, text: t(`role.${r}`), selected: r === user.role })));
    role.addEventListener('change', async () => {
      const result = await api(`/users/${user.id}`, { method: 'PATCH', body: { role: role.value } });
      if (!result.ok) { fail(result); role.value = user.role; return; }
      user.role = role.value;
      say(t('saved'));
    });
    const row = el('tr', { dataset: { id: user.id } }, el('td', { text: user.name }), el('td', { text: user.email }),
      el('td', {}, role), el('td', {}));
    if (!self) {
      row.lastChild.append(el('button', { type: 'button', class: 'btn btn-danger-quiet btn-small', text: t('remove'),
        'aria-label': `${t('remove')}: ${user.name}`, onclick: async () => {
          if (!window.confirm(t('confirmRemove', user.name))) return;
          const result = await api(`/users/${user.id}`, { method: 'DELETE' });
          if (!result.ok) { fail(result); return; }
          row.remove();
          say(t('removed', user.name));
        } }));
    }
    return row;
  };
  onSubmit(document.getElementById('add-form'), async (fields) => {
    const body = { email: fields.email.value.trim(), name: fields.name.value.trim(), role: fields.role.value };
    if (fields.password.value) body.password = fields.password.value;
    const result = await api('/users', { method: 'POST', body });
    if (!result.ok) { fail(result); return; }
    fields.email.form.reset();
    await load();
    say(t('created', body.name));
  });
  await load();
}

// ---- teams and their members
async function teams() {
  const people = await accountUsers();
  const load = async () => {
    const result = await api('/teams');
    if (!result.ok) { fail(result); return; }
    const items = await Promise.all(result.body.items.map(teamRow));
    rows.replaceChildren(...(items.length ? items : [emptyRow(4)]));
  };
  const teamRow = async (team) => {
    const members = await api(`/teams/${team.id}/members`);
    const list = members.ok ? members.body.items : [];
    const memberList = el('ul', { class: 'plain' }, list.map((m) => el('li', {}, `${m.name} `,
      el('button', { type: 'button', class: 'btn btn-quiet btn-small', text: t('remove'), 'aria-label': `${t('remove')}: ${m.name}`,
        onclick: async () => {
          const result = await api(`/teams/${team.id}/members/${m.id}`, { method: 'DELETE' });
          if (!result.ok) { fail(result); return; }
          await load();
          say(t('removed', m.name));
        } }))));
    const choiceId = `add-to-${team.id}`;
    const choice = el('select', { id: choiceId },
      people.filter((p) => !list.some((m) => m.id === p.id)).map((p) => el('option', { value: p.id, text: p.name })));
    const add = el('div', { class: 'row' }, el('label', { for: choiceId, class: 'sr-only', text: `${t('addMember')}: ${team.name}` }),
      choice, el('button', { type: 'button', class: 'btn btn-small', text: t('addMember'), onclick: async () => {
        if (!choice.value) return;
        const result = await api(`/teams/${team.id}/members`, { method: 'POST', body: { user_id: choice.value } });
        if (!result.ok) { fail(result); return; }
        await load();
        say(t('added'));
      } }));
    return el('tr', { dataset: { id: team.id } }, el('td', { text: team.name }), el('td', { text: team.description || '' }),
      el('td', {}, el('details', {}, el('summary', { text: `${t('members')} (${list.length})` }), memberList, add)),
      el('td', {}, el('button', { type: 'button', class: 'btn btn-danger-quiet btn-small', text: t('delete'),
        'aria-label': `${t('delete')}: ${team.name}`, onclick: async () => {
          if (!window.confirm(t('confirmDeleteTeam', team.name))) return;
          const result = await api(`/teams/${team.id}`, { method: 'DELETE' });
          if (!result.ok) { fail(result); return; }
          await load();
          say(t('removed', team.name));
        } })));
  };
  onSubmit(document.getElementById('add-form'), async (fields) => {
    const body = { name: fields.name.value.trim(), description: fields.description.value.trim() || null };
    const result = await api('/teams', { method: 'POST', body });
    if (!result.ok) { fail(result); return; }
    fields.name.form.reset();
    await load();
    say(t('created', body.name));
  });
  await load();
}

// ---- API keys: the full key is shown once, right after it is made
async function apiKeys() {
  const load = async () => {
    const result = await api('/api-keys');
    if (!result.ok) { fail(result); return; }
    const items = result.body.items;
    rows.replaceChildren(...(items.length ? items.map(keyRow) : [emptyRow(6)]));
  };
  const keyRow = (key) => {
    const expired = key.expires_at && new Date(key.expires_at) < new Date();
    const state = key.revoked_at ? t('revoked') : expired ? t('expired') : t('active');
    const row = el('tr', { dataset: { id: key.id } }, el('td', { text: key.name }), el('td', {}, el('code', { text: `${key.prefix}…` })),
      el('td', { text: key.scopes.join(', ') }), el('td', { text: key.last_used_at ? f.dateTime(key.last_used_at) : t('never') }),
      el('td', { class: 'key-status', text: state }), el('td', {}));
    if (!key.revoked_at) {
      row.lastChild.append(el('button', { type: 'button', class: 'btn btn-danger-quiet btn-small', text: t('revoke'),
        'aria-label': `${t('revoke')}: ${key.name}`, onclick: async () => {
          if (!window.confirm(t('confirmRevoke', key.name))) return;
          const result = await api(`/api-keys/${key.id}`, { method: 'DELETE' });
          if (!result.ok) { fail(result); return; }
          await load();
          say(t('keyRevoked', key.name));
          document.getElementById('k-name').focus();
        } }));
    }
    return row;
  };
  const shown = document.getElementById('new-key');
  onSubmit(document.getElementById('add-form'), async (fields) => {
    const scopes = [...fields.name.form.querySelectorAll('input[name=scopes]:checked')].map((box) => box.value);
    const body = { name: fields.name.value.trim(), scopes };
    if (fields.expires.value) body.expires_at = new Date(`${fields.expires.value}T23:59:59`).toISOString();
    const result = await api('/api-keys', { method: 'POST', body });
    if (!result.ok) { fail(result); shown.hidden = true; return; }
    fields.name.form.reset();
    const value = document.getElementById('new-key-value');
    value.value = result.body.key;
    shown.hidden = false;
    value.focus();
    value.select();
    await load();
    say(t('created', body.name));
  });
  await load();
}

// ---- the Chatwoot connection: the token is write-only, the webhook URL is there to copy
async function chatwoot() {
  const form = document.getElementById('add-form');
  const fields = form.elements;
  const show = (connection) => {
    fields.base_url.value = connection.base_url;
    fields.chatwoot_account_id.value = connection.chatwoot_account_id;
    fields.inbox_id.value = connection.inbox_id ?? '';
    fields.api_token.value = '';
    fields.api_token.placeholder = t('tokenKept');
    fields.api_token.required = false;
    fields.webhook_secret.value = '';
    document.getElementById('webhook-url').value = connection.webhook_url;
    document.getElementById('webhook').hidden = false;
    document.getElementById('chatwoot-check').hidden = false;
    document.getElementById('chatwoot-sync').hidden = false;
  };
  const current = await api('/chatwoot');
  if (current.ok) show(current.body);
  else if (current.status === 404) { say(t('notConnected')); fields.api_token.required = true; }
  else fail(current);
  onSubmit(form, async () => {
    const body = { base_url: fields.base_url.value.trim(), chatwoot_account_id: numberOrNull(fields.chatwoot_account_id),
      inbox_id: numberOrNull(fields.inbox_id) };
    if (fields.api_token.value) body.api_token = fields.api_token.value;
    if (fields.webhook_secret.value) body.webhook_secret = fields.webhook_secret.value;
    const result = await api('/chatwoot', { method: 'PUT', body });
    if (!result.ok) { fail(result); return; }
    show(result.body);
    say(t('saved'));
  });
  document.getElementById('chatwoot-check').addEventListener('click', async () => {
    const result = await api('/chatwoot/check', { method: 'POST' });
    if (!result.ok) { fail(result); return; }
    const check = result.body;
    if (check.ok) {
      say(check.inbox_api_channel === false ? `${t('checkOk')} ${t('checkInboxNotApi', check.inbox_id)}` : t('checkOk'));
    } else {
      showError(t(`check.${check.problem}`, check.problem === 'inbox-not-found' ? check.inbox_id : check.detail));
    }
  });
  document.getElementById('chatwoot-sync').addEventListener('click', async () => {
    const result = await api('/chatwoot/sync', { method: 'POST' });
    if (!result.ok) { fail(result); return; }
    say(t('saved'));
  });
}

// ---- stages of each board, with their WIP limits and SLAs
async function stages() {
  const labels = document.getElementById('stage-texts').dataset;
  const select = document.getElementById('stage-board');
  const boards = await api('/boards');
  if (!boards.ok) { fail(boards); return; }
  select.replaceChildren(...boards.body.items.map((b) => el('option', { value: b.id, text: b.name })));
  const load = async () => {
    const board = await api(`/boards/${select.value}`);
    if (!board.ok) { fail(board); return; }
    rows.replaceChildren(...board.body.stages.map(stageRow));
  };
  const stageRow = (stage) => {
    const named = (label) => `${label}: ${stage.name}`;
    const name = el('input', { value: stage.name, maxlength: 100, required: true, 'aria-label': named(labels.name) });
    const kind = el('select', { 'aria-label': named(labels.kind) }, ['open', 'won', 'lost'].map((k) =>
      el('option', { value: k, text: labels[`kind${k[0].toUpperCase()}${k.slice(1)}`], selected: k === stage.kind })));
    const wip = el('input', { type: 'number', min: 1, max: 100000, value: stage.wip_limit ?? '', class: 'narrow',
      'aria-label': named(labels.wip) });
    const mode = el('select', { 'aria-label': named(labels.wipMode) }, ['soft', 'hard'].map((m) =>
      el('option', { value: m, text: t(m), selected: m === stage.wip_mode })));
    const sla = el('input', { type: 'number', min: 1, max: 87600, value: stage.sla_hours ?? '', class: 'narrow',
      'aria-label': named(labels.sla) });
    const save = el('button', { type: 'button', class: 'btn btn-small', text: t('save'), 'aria-label': named(t('save')),
      onclick: async () => {
        const result = await api(`/boards/${select.value}/stages/${stage.id}`, { method: 'PATCH', body: {
          name: name.value.trim(), kind: kind.value, wip_limit: numberOrNull(wip), wip_mode: mode.value,
          sla_hours: numberOrNull(sla) } });
        if (!result.ok) { fail(result); return; }
        say(`${t('saved')} ${result.body.name}`);
      } });
    return el('tr', { dataset: { id: stage.id } }, el('td', {}, name), el('td', {}, kind), el('td', {}, wip), el('td', {}, mode),
      el('td', {}, sla), el('td', { class: 'num', text: String(stage.card_count) }), el('td', {}, save));
  };
  select.addEventListener('change', load);
  onSubmit(document.getElementById('add-form'), async (fields) => {
    const body = { name: fields.name.value.trim(), wip_limit: numberOrNull(fields.wip_limit), wip_mode: fields.wip_mode.value,
      sla_hours: numberOrNull(fields.sla_hours) };
    const result = await api(`/boards/${select.value}/stages`, { method: 'POST', body });
    if (!result.ok) { fail(result); return; }
    fields.name.form.reset();
    await load();
    say(t('created', body.name));
  });
  await load();
}

// ---- a list with "Load more" (cursor paging)
function pagedList(path, row, columns) {
  const more = document.getElementById('more');
  let cursor = null;
  const next = async (first) => {
    const separator = path.includes('?') ? '&' : '?';
    const result = await api(`${path}${separator}limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (!result.ok) { fail(result); return; }
    const built = result.body.items.map(row);
    if (first) rows.replaceChildren(...(built.length ? built : [emptyRow(columns)]));
    else rows.append(...built);
    cursor = result.body.next_cursor;
    more.hidden = !cursor;
    if (!first) say(cursor ? '' : t('noMore'));
  };
  more.addEventListener('click', () => next(false));
  return next(true);
}

// ---- the audit log, filtered by who, what and when
async function audit() {
  const form = document.getElementById('audit-filters');
  const query = new URLSearchParams(window.location.search);
  const people = await accountUsers();
  const names = new Map(people.map((p) => [p.id, p.name]));
  form.elements.actor_id.append(...people.map((p) => el('option', { value: p.id, text: `${p.name} (${p.email})` })));
  for (const name of ['actor_id', 'action', 'from', 'to']) form.elements[name].value = query.get(name) ?? '';
  const filters = new URLSearchParams();
  if (query.get('actor_id')) filters.set('actor_id', query.get('actor_id'));
  if (query.get('action')) filters.set('action', query.get('action').trim());
  const day = (text, plus) => {
    const date = new Date(`${text}T00:00:00`);
    if (Number.isNaN(date.getTime())) return null;
    date.setDate(date.getDate() + plus);
    return date.toISOString();
  };
  if (query.get('from') && day(query.get('from'), 0)) filters.set('from', day(query.get('from'), 0));
  if (query.get('to') && day(query.get('to'), 1)) filters.set('to', day(query.get('to'), 1));
  const row = (entry) => {
    const who = entry.actor?.id ? (names.get(entry.actor.id) ?? entry.actor.id) : t('system');
    const changes = entry.changes && Object.keys(entry.changes).length
      ? el('details', {}, el('summary', { text: Object.keys(entry.changes).join(', ') }),
        el('pre', { class: 'json', text: JSON.stringify(entry.changes, null, 2) }))
      : '—';
    return el('tr', { dataset: { id: entry.id } }, el('td', {}, el('time', { datetime: entry.at, text: f.dateTime(entry.at) })),
      el('td', { text: who }), el('td', {}, el('code', { text: entry.action })),
      el('td', { text: [entry.resource_type, entry.resource_id].filter(Boolean).join(' ') }), el('td', {}, changes),
      el('td', { text: entry.ip_address || '—' }));
  };
  await pagedList(`/audit-logs${filters.size ? `?${filters}` : ''}`, row, 6);
}

// ---- dead letters, each with a replay
async function deadLetters() {
  const row = (letter) => {
    const cell = el('td', {});
    const tr = el('tr', { dataset: { id: letter.id } },
      el('td', {}, el('time', { datetime: letter.failed_at || letter.created_at, text: f.dateTime(letter.failed_at || letter.created_at) })),
      el('td', {}, el('code', { text: letter.kind })), el('td', { class: 'num', text: String(letter.attempts) }),
      el('td', {}, el('details', {}, el('summary', { text: (letter.last_error || '—').slice(0, 120) }),
        el('pre', { class: 'json', text: JSON.stringify(letter.payload, null, 2) }))), cell);
    cell.append(el('button', { type: 'button', class: 'btn btn-small', text: t('replay'),
      'aria-label': `${t('replay')}: ${letter.kind}`, onclick: async () => {
        const result = await api(`/gateway/dead-letters/${letter.id}/replay`, { method: 'POST' });
        if (!result.ok) { fail(result); return; }
        const done = el('span', { class: 'replayed', tabindex: -1, text: t('replayed') });
        cell.replaceChildren(done);
        tr.classList.add('is-replayed');
        done.focus();
        say(t('replayed'));
      } }));
    return tr;
  };
  await pagedList('/gateway/dead-letters', row, 5);
}

// ---- WhatsApp numbers: their live state for everyone; adding, connecting, logging out, restarting and
// deleting them for admins. Each number's events stream (connection.updated) keeps its row and the connect
// panel current; the browser allows few streams per server, so only MAX_STREAMS numbers are followed live and
// the list is read again every minute for the rest.
const MAX_STREAMS = 4;

async function numbers() {
  const manage = main.dataset.manage === 'true';
  const known = new Map();
  const streams = new Map();
  const statusText = (status) => (t(`status.${status}`) === `status.${status}` ? status : t(`status.${status}`));
  const detailOf = (number) => {
    if (number.status === 'connected') return [number.phone_number, number.profile_name].filter(Boolean).join(' · ');
    const detail = number.status_detail ?? number.detail;
    return ['error', 'refused', 'disconnected'].includes(number.status) && detail ? detail : '';
  };
  const describe = (number) => {
    const detail = detailOf(number);
    return detail ? `${statusText(number.status)} (${detail})` : statusText(number.status);
  };
  const stateCell = (number) => [
    el('span', { class: `badge state-${number.status}`, text: statusText(number.status) }),
    detailOf(number) ? el('span', { class: 'hint number-detail', text: detailOf(number) }) : null];

  // ---- the connect panel (admins)
  const panel = document.getElementById('connect-panel');
  const connecting = { id: null, timer: null, expiresAt: null };
  const qr = document.getElementById('qr');
  const pairing = document.getElementById('pairing');
  const countdown = () => {
    const target = qr.hidden ? document.getElementById('pairing-expiry') : document.getElementById('qr-expiry');
    if (!connecting.expiresAt) { target.textContent = ''; return; }
    const seconds = Math.round((new Date(connecting.expiresAt) - Date.now()) / 1000);
    target.textContent = seconds > 0 ? t('expiresIn', seconds, f.dateTime(connecting.expiresAt)) : t('codeExpired');
  };
  const showConnection = (connection) => {
    if (!panel || connecting.id === null) return;
    const name = known.get(connecting.id)?.name ?? '';
    const state = document.getElementById('connect-state');
    const said = connection.status === 'connected' ? t('connectedAs', name, detailOf(connection))
      : `${name}: ${describe(connection)}`;
    if (state.textContent !== said) state.textContent = said;
    const waiting = connection.status === 'connecting';
    qr.hidden = !(waiting && connection.qr_code && !connection.pairing_code);
    if (!qr.hidden) document.getElementById('qr-image').src = connection.qr_code;
    pairing.hidden = !(waiting && connection.pairing_code);
    if (!pairing.hidden) document.getElementById('pairing-code').textContent = connection.pairing_code;
    connecting.expiresAt = waiting ? connection.expires_at : null;
    countdown();
  };
  const requestCode = async (body) => {
    const id = connecting.id;
    const result = await api(`/providers/${id}/connect`, { method: 'POST', body });
    if (!result.ok) { fail(result); return; }
    errorLine.textContent = '';
    showConnection(result.body);
  };
  if (panel) {
    document.getElementById('connect-qr').addEventListener('click', () => requestCode({}));
    onSubmit(document.getElementById('pair-form'), (fields) => requestCode({ phone_number: fields.phone_number.value.trim() }));
    document.getElementById('connect-close').addEventListener('click', () => {
      const id = connecting.id;
      closePanel();
      document.querySelector(`#rows tr[data-id="${id}"] button.connect`)?.focus();
    });
  }
  const closePanel = () => {
    connecting.id = null;
    window.clearInterval(connecting.timer);
    panel.hidden = true;
  };
  const openPanel = async (number) => {
    connecting.id = number.id;
    document.getElementById('connect-name').textContent = number.name;
    document.getElementById('connect-state').textContent = '';
    document.getElementById('pair-form').reset();
    qr.hidden = true;
    pairing.hidden = true;
    panel.hidden = false;
    window.clearInterval(connecting.timer);
    connecting.timer = window.setInterval(countdown, 1000);
    follow(number.id, true);
    document.getElementById('h-connect').focus();
    await requestCode({});
  };

  // ---- live state
  const applyConnection = (id, connection) => {
    const before = known.get(id);
    if (!before) return;
    const changed = before.status !== connection.status || detailOf(before) !== detailOf(connection);
    const after = { ...before, status: connection.status, phone_number: connection.phone_number ?? null,
      profile_name: connection.profile_name ?? null, status_detail: connection.detail ?? null };
    known.set(id, after);
    const cell = document.querySelector(`#rows tr[data-id="${id}"] td.number-state`);
    if (cell && changed) {
      cell.replaceChildren(...stateCell(after).filter(Boolean));
      if (connecting.id !== id) say(`${after.name}: ${describe(after)}`);
    }
    if (connecting.id === id) showConnection(connection);
  };
  const follow = (id, always = false) => {
    if (streams.has(id)) return;
    if (!always && streams.size >= MAX_STREAMS) return;
    if (streams.size >= MAX_STREAMS) {
      const [oldest, source] = streams.entries().next().value;
      source.close();
      streams.delete(oldest);
    }
    const source = new EventSource(`/api/v1/accounts/${main.dataset.account}/providers/${id}/events`, { withCredentials: true });
    source.addEventListener('connection.updated', (event) => applyConnection(id, JSON.parse(event.data)));
    streams.set(id, source);
  };

  // ---- the list
  const act = async (number, path, done) => {
    const result = await api(`/providers/${number.id}/${path}`, { method: 'POST' });
    if (!result.ok) { fail(result); return; }
    say(t(done, number.name));
  };
  // the number's own Chatwoot inbox: created, or adopted by name, with its webhook pointed at the hub
  const inboxText = (number) => (number.chatwoot_inbox_id ? t('inboxOwn', number.chatwoot_inbox_id) : t('inboxShared'));
  const makeInbox = async (number) => {
    const result = await api(`/providers/${number.id}/chatwoot-inbox`, { method: 'POST' });
    if (!result.ok) {
      if (result.body?.type?.endsWith('chatwoot-not-connected')) showError(t('inboxNeedsChatwoot'));
      else fail(result);
      return;
    }
    await load();
    say(t('inboxReady', number.name, result.body.chatwoot_inbox_id));
    document.querySelector(`#rows tr[data-id="${number.id}"] button.make-inbox`)?.focus();
  };
  const deleteNumber = (number) => {
    const dialog = document.getElementById('delete-dialog');
    const form = document.getElementById('delete-form');
    document.getElementById('delete-name').textContent = number.name;
    const keep = document.getElementById('keep-instance');
    keep.checked = false;
    document.getElementById('keep-line').hidden = !number.provisioned;
    dialog.onclose = async () => {
      if (dialog.returnValue !== 'delete') { document.querySelector(`#rows tr[data-id="${number.id}"] button.delete`)?.focus(); return; }
      const keepInstance = number.provisioned && keep.checked;
      const result = await api(`/providers/${number.id}?keep_instance=${keepInstance}`, { method: 'DELETE' });
      if (!result.ok) { fail(result); return; }
      streams.get(number.id)?.close();
      streams.delete(number.id);
      if (connecting.id === number.id) closePanel();
      await load();
      say(t('deleted', number.name));
      document.getElementById('n-name')?.focus();
    };
    dialog.returnValue = '';
    form.reset();
    dialog.showModal();
  };
  const actions = (number) => {
    const named = (key) => `${t(key)}: ${number.name}`;
    const button = (key, className, onclick) => el('button', { type: 'button', class: `btn btn-small ${className}`,
      text: t(key), 'aria-label': named(key), onclick });
    const linked = number.type === 'evolution' || number.type === 'uazapi';
    return el('div', { class: 'number-actions' },
      linked ? button('connect', 'connect', () => openPanel(known.get(number.id))) : null,
      linked ? button('logout', 'logout', () => window.confirm(t('confirmLogout', number.name)) && act(number, 'logout', 'loggedOut')) : null,
      number.type === 'evolution' ? button('restart', 'restart', () => act(number, 'restart', 'restarted')) : null,
      button('makeInbox', 'make-inbox', () => makeInbox(known.get(number.id))),
      button('delete', 'btn-danger-quiet delete', () => deleteNumber(known.get(number.id))));
  };
  const row = (number) => {
    known.set(number.id, number);
    const cells = [el('td', { text: number.name }), el('td', { text: number.type }),
      el('td', { class: 'number-state' }, stateCell(number)),
      el('td', { text: number.last_event_at ? f.dateTime(number.last_event_at) : '—' }),
      el('td', { class: 'number-inbox', text: inboxText(number) })];
    if (manage) {
      const registration = number.webhook_registration;
      const note = !registration ? '' : ['manual', 'skipped'].includes(registration.status) ? t('webhookManual')
        : registration.status === 'registered' ? t('webhookRegistered') : t('webhookFailed');
      cells.push(el('td', {}, number.webhook_url ? el('code', { class: 'wrap', text: number.webhook_url }) : '—',
        note ? el('p', { class: 'hint', text: note }) : null));
      cells.push(el('td', {}, actions(number)));
    }
    return el('tr', { dataset: { id: number.id } }, cells);
  };
  const load = async () => {
    const result = await api('/providers');
    if (!result.ok) { fail(result); return; }
    const items = result.body.items;
    known.clear();
    rows.replaceChildren(...(items.length ? items.map(row) : [emptyRow(manage ? 7 : 5)]));
    const waiting = (n) => (n.status === 'connected' ? 1 : 0);
    for (const number of [...items].sort((a, b) => waiting(a) - waiting(b))) follow(number.id);
  };
  // the numbers not followed live: their state cells change in place, so focus and the open panel stay
  const refresh = async () => {
    const result = await api('/providers');
    if (!result.ok) return;
    const items = result.body.items;
    if (items.length !== known.size || items.some((n) => !known.has(n.id))) { await load(); return; }
    for (const n of items) {
      if (!streams.has(n.id)) applyConnection(n.id, { status: n.status, phone_number: n.phone_number,
        profile_name: n.profile_name, detail: n.status_detail });
    }
  };
  window.setInterval(() => { if (!document.hidden) refresh(); }, 60000);

  // ---- adding a number
  const form = document.getElementById('add-form');
  if (form) {
    const type = form.elements.type;
    const provision = form.elements.provision;
    const showFieldsOf = () => {
      for (const group of form.querySelectorAll('[data-for]')) {
        const wanted = group.dataset.provision === undefined || (group.dataset.provision === 'yes') === provision.checked;
        const shown = group.dataset.for.split(' ').includes(type.value) && wanted;
        group.hidden = !shown;
        for (const input of group.querySelectorAll('input')) input.disabled = !shown;
      }
    };
    type.addEventListener('change', showFieldsOf);
    provision.addEventListener('change', showFieldsOf);
    showFieldsOf();
    onSubmit(form, async (fields) => {
      const value = (name) => (fields[name] && !fields[name].disabled ? fields[name].value.trim() : '');
      const credentials = {};
      for (const name of ['api_key', 'token', 'admin_token', 'access_token', 'app_secret', 'verify_token', 'phone_number_id']) {
        if (value(name)) credentials[name] = value(name);
      }
      if (value('global_key')) credentials.api_key = value('global_key');
      const body = { name: value('name'), type: type.value, credentials };
      if (value('base_url')) body.base_url = value('base_url');
      if (value('instance_name')) body.instance_name = value('instance_name');
      if (!provision.disabled && provision.checked) body.provision = true;
      const result = await api('/providers', { method: 'POST', body });
      if (!result.ok) { fail(result); return; }
      form.reset();
      showFieldsOf();
      await load();
      say(t('created', body.name));
    });
  }
  await load();
}

const sections = { numbers, users, teams, 'api-keys': apiKeys, chatwoot, stages, audit, 'dead-letters': deadLetters };
const run = sections[main.dataset.section];
if (run) {
  run().catch((e) => { errorLine.textContent = t('error', String(e)); });
}
