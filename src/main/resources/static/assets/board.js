// The Kanban board: columns and cards from the JSON API, drag and drop (SortableJS) and a
// "Move to…" menu on every card, filters kept in the URL, live updates over the board's SSE
// stream (a full reload after any reconnect or resync), and the card drawer.
import { apiFor, allItems, texts, formats, problemText, el, initials } from './common.js';
import { openDrawer } from './drawer.js';

const root = document.getElementById('board');
const account = root.dataset.account;
const role = root.dataset.role;
const me = root.dataset.user;
const locale = root.dataset.locale;
const chatwootBase = root.dataset.chatwootBase || null;
const t = texts(root);
const f = formats(locale);
const api = apiFor(account);
const auth = apiFor(null);
const announcer = document.getElementById('announcer');
const live = document.getElementById('live');
const boardSelect = document.getElementById('board-select');
const filtersForm = document.getElementById('filters');
const PAGE = 25;
const FILTERS = ['q', 'assignee_id', 'label', 'priority', 'overdue'];

const state = { boardId: null, board: null, columns: new Map(), users: new Map(), source: null, hadError: false,
  pendingErrors: new Map() };

function announce(message) {
  announcer.textContent = '';
  window.setTimeout(() => { announcer.textContent = message; }, 50);
}

function params() { return new URLSearchParams(window.location.search); }

function filterQuery() {
  const query = new URLSearchParams();
  const current = params();
  for (const name of FILTERS) {
    const value = current.get(name);
    if (value) query.set(name, value);
  }
  return query;
}

function filtered() { return [...filterQuery().keys()].length > 0; }

function canChange(card) {
  return role !== 'agent' || !card.assignee_id || card.assignee_id === me;
}

function stageName(id) { return state.board?.stages.find((s) => s.id === id)?.name ?? ''; }

// ------------------------------------------------------------------ loading

async function init() {
  const current = params();
  for (const name of FILTERS) {
    const input = filtersForm.elements[name];
    if (!input) continue;
    if (input.type === 'checkbox') input.checked = current.get(name) === 'true';
    else input.value = current.get(name) || '';
  }
  const [boards, users] = await Promise.all([api('/boards'), allItems(api, '/users')]);
  if (!boards.ok) { root.replaceChildren(el('p', { class: 'alert', role: 'alert', text: problemText(t, boards) })); return; }
  for (const user of users.items) state.users.set(user.id, user);
  const items = boards.body.items;
  const wanted = current.get('board');
  const chosen = items.find((b) => b.id === wanted) || items.find((b) => b.is_default) || items[0];
  boardSelect.replaceChildren(...items.map((b) => el('option', { value: b.id, text: b.name, selected: b === chosen })));
  if (!chosen) { root.replaceChildren(el('p', { class: 'empty', text: t('empty') })); return; }
  state.boardId = chosen.id;
  await reload();
  connect();
  const card = current.get('card');
  if (card) openCard(card, null);
}

async function reload() {
  const focus = focusKey();
  const board = await api(`/boards/${state.boardId}`);
  if (!board.ok) { root.replaceChildren(el('p', { class: 'alert', role: 'alert', text: problemText(t, board) })); return; }
  state.board = board.body;
  const pages = await Promise.all(state.board.stages.map((stage) => loadCards(stage.id, null)));
  state.columns.clear();
  state.board.stages.forEach((stage, i) => state.columns.set(stage.id, { cards: pages[i].items, next: pages[i].next }));
  render();
  restoreFocus(focus);
}

async function loadCards(stageId, cursor) {
  const query = filterQuery();
  query.set('stage_id', stageId);
  query.set('limit', PAGE);
  if (cursor) query.set('cursor', cursor);
  const result = await api(`/boards/${state.boardId}/cards?${query}`);
  if (!result.ok) return { items: [], next: null, error: problemText(t, result) };
  return { items: result.body.items, next: result.body.next_cursor };
}

async function refreshHeads() {
  const board = await api(`/boards/${state.boardId}`);
  if (!board.ok) return;
  state.board = board.body;
  for (const stage of state.board.stages) {
    const head = root.querySelector(`section[data-stage-id="${stage.id}"] .column-head`);
    if (head) head.replaceWith(columnHead(stage));
  }
}

let headTimer = null;
function refreshHeadsSoon() {
  window.clearTimeout(headTimer);
  headTimer = window.setTimeout(refreshHeads, 250);
}

let reloadTimer = null;
function reloadSoon() {
  window.clearTimeout(reloadTimer);
  reloadTimer = window.setTimeout(reload, 250);
}

// ------------------------------------------------------------------ rendering

function render() {
  const columns = state.board.stages.map((stage) => column(stage));
  root.replaceChildren(...columns);
  for (const list of root.querySelectorAll('ol.cards')) sortable(list);
}

function column(stage) {
  const data = state.columns.get(stage.id);
  const list = el('ol', { class: 'cards', dataset: { stageId: stage.id }, 'aria-labelledby': `stage-${stage.id}` },
    data.cards.map(cardItem));
  const error = el('p', { class: 'column-error', role: 'alert', id: `stage-error-${stage.id}` });
  const pending = state.pendingErrors.get(stage.id);
  if (pending) { error.textContent = pending; state.pendingErrors.delete(stage.id); }
  const more = el('button', { type: 'button', class: 'btn btn-quiet btn-small load-more', text: t('loadMore'),
    hidden: !data.next, onclick: () => loadMore(stage.id, more) });
  return el('section', { class: `column kind-${stage.kind}`, dataset: { stageId: stage.id },
    'aria-labelledby': `stage-${stage.id}` },
  columnHead(stage), error, list, el('div', { class: 'column-foot' }, more, addCardControl(stage)));
}

function columnHead(stage) {
  const dot = el('span', { class: 'dot', 'aria-hidden': 'true' });
  if (stage.color) dot.style.background = stage.color;
  const meta = el('p', { class: 'column-meta' },
    el('span', { class: 'count', text: `${stage.card_count} ${stage.card_count === 1 ? t('card') : t('cards')}` }));
  if (stage.wip_limit) {
    const over = stage.over_wip_limit || stage.card_count > stage.wip_limit;
    meta.append(el('span', { class: `wip${over ? ' over' : ''}${stage.wip_mode === 'hard' ? ' hard' : ''}` },
      over ? el('span', { 'aria-hidden': 'true', text: '⚠ ' }) : null,
      t('wip', stage.card_count, stage.wip_limit),
      over ? el('span', { class: 'sr-only', text: ` (${t('wipOver')})` }) : null));
  }
  if (stage.overdue_count > 0) {
    meta.append(el('span', { class: 'overdue-count', text: `⏰ ${stage.overdue_count} ${t('overdue').toLowerCase()}` }));
  }
  const totals = Object.entries(stage.amount_totals || {}).filter(([, v]) => v > 0)
    .map(([currency, minor]) => f.money(minor, currency));
  return el('header', { class: 'column-head' },
    el('h2', { id: `stage-${stage.id}` }, dot, stage.name),
    meta,
    totals.length ? el('p', { class: 'totals', text: totals.join(' · ') }) : null);
}

function late(card) {
  return card.overdue || (card.due_at && Date.parse(card.due_at) < Date.now());
}

const DAY = 24 * 60 * 60 * 1000;

/** Whole days since the card entered its stage; shown from the first full day, as CRM boards show "rotting" deals. */
function daysInStage(card) {
  return card.entered_stage_at ? Math.floor((Date.now() - Date.parse(card.entered_stage_at)) / DAY) : 0;
}

function cardItem(card) {
  const editable = canChange(card);
  const overdue = late(card);
  const assignee = card.assignee_id ? state.users.get(card.assignee_id) : null;
  const title = el('button', { type: 'button', class: 'card-title', text: card.title,
    onclick: (e) => openCard(card.id, e.currentTarget) });
  const contact = [card.contact?.name, card.contact?.phone].filter(Boolean).join(' · ');
  const due = card.due_at ? el('span', { class: `due${overdue ? ' is-overdue' : ''}` },
    overdue ? el('strong', { text: `⚠ ${t('overdue')} · ` }) : null, t('due', f.date(card.due_at)))
    : (overdue ? el('span', { class: 'due is-overdue' }, el('strong', { text: `⚠ ${t('overdue')}` })) : null);
  const labels = card.labels?.length
    ? el('ul', { class: 'labels', 'aria-label': t('labels') },
      card.labels.slice(0, 3).map((l) => el('li', { text: l })),
      card.labels.length > 3 ? el('li', { text: `+${card.labels.length - 3}` }) : null)
    : null;
  const checklist = card.checklist?.total ? el('span', { class: 'check', text: `☑ ${card.checklist.done}/${card.checklist.total}` }) : null;
  const days = daysInStage(card);
  const inStage = days >= 1 ? el('span', { class: 'in-stage', title: t('inStageSince', f.dateTime(card.entered_stage_at)),
    text: `⏳ ${t('inStage', days)}` }) : null;
  return el('li', { class: `card${editable ? ' can-move' : ' readonly'}${overdue ? ' overdue' : ''}`,
    dataset: { cardId: card.id, version: card.version, rank: card.rank, stageId: card.stage_id } },
  el('div', { class: 'card-top' }, el('h3', {}, title),
    card.priority && card.priority !== 'normal'
      ? el('span', { class: `prio prio-${card.priority}`, text: t(`priority.${card.priority}`) }) : null),
  contact ? el('p', { class: 'card-contact', text: contact }) : null,
  card.amount_minor !== null && card.amount_minor !== undefined
    ? el('p', { class: 'card-amount', text: f.money(card.amount_minor, card.currency) }) : null,
  labels,
  el('div', { class: 'card-foot' },
    el('span', { class: 'assignee' }, el('span', { class: 'avatar', 'aria-hidden': 'true',
      text: assignee ? initials(assignee.name) : '–' }), assignee ? assignee.name : t('unassigned')),
    checklist, inStage, due),
  editable ? moveControl(card) : el('p', { class: 'readonly-note', text: t('readOnly') }));
}

function moveControl(card) {
  const menuId = `move-${card.id}`;
  const button = el('button', { type: 'button', class: 'btn btn-small move-btn', 'aria-expanded': 'false',
    'aria-controls': menuId, text: t('moveTo'), 'aria-label': `${t('moveTo')} ${card.title}` });
  const menu = el('div', { class: 'move-menu', id: menuId, hidden: true });
  const close = (focusButton) => {
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    if (focusButton) button.focus();
  };
  button.addEventListener('click', () => {
    if (!menu.hidden) { close(false); return; }
    const items = [];
    const li = button.closest('li.card');
    if (li.previousElementSibling) {
      items.push(el('button', { type: 'button', text: `↑ ${t('moveUp')}`,
        onclick: () => { close(false); moveWithin(li, -1); } }));
    }
    if (li.nextElementSibling) {
      items.push(el('button', { type: 'button', text: `↓ ${t('moveDown')}`,
        onclick: () => { close(false); moveWithin(li, 1); } }));
    }
    for (const stage of state.board.stages) {
      if (stage.id === li.dataset.stageId) continue;
      items.push(el('button', { type: 'button', dataset: { stageId: stage.id }, text: `→ ${stage.name}`,
        onclick: () => { close(false); moveToStage(li, stage.id); } }));
    }
    menu.replaceChildren(el('ul', { role: 'list' }, items.map((item) => el('li', {}, item))));
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    menu.querySelector('button')?.focus();
  });
  menu.addEventListener('keydown', (e) => {
    const buttons = [...menu.querySelectorAll('button')];
    const i = buttons.indexOf(document.activeElement);
    if (e.key === 'Escape') { e.preventDefault(); close(true); }
    if (e.key === 'ArrowDown') { e.preventDefault(); buttons[(i + 1) % buttons.length]?.focus(); }
    if (e.key === 'ArrowUp') { e.preventDefault(); buttons[(i - 1 + buttons.length) % buttons.length]?.focus(); }
  });
  menu.addEventListener('focusout', (e) => {
    if (!menu.contains(e.relatedTarget) && e.relatedTarget !== button) close(false);
  });
  return el('div', { class: 'card-actions' }, button, menu);
}

function addCardControl(stage) {
  const formId = `add-${stage.id}`;
  const toggle = el('button', { type: 'button', class: 'btn btn-quiet btn-small add-card', 'aria-expanded': 'false',
    'aria-controls': formId, text: `+ ${t('addCard')}`, 'aria-label': `${t('addCard')}: ${stage.name}` });
  const titleId = `add-title-${stage.id}`;
  const amountId = `add-amount-${stage.id}`;
  const currencyId = `add-currency-${stage.id}`;
  const status = el('p', { class: 'form-error', role: 'alert' });
  const form = el('form', { class: 'add-form', id: formId, hidden: true },
    el('label', { for: titleId, text: t('cardTitle') }),
    el('input', { id: titleId, name: 'title', required: true, maxlength: 500, autocomplete: 'off' }),
    el('div', { class: 'row' },
      el('div', {}, el('label', { for: amountId, text: t('amount') }),
        el('input', { id: amountId, name: 'amount', inputmode: 'decimal', autocomplete: 'off' })),
      el('div', {}, el('label', { for: currencyId, text: t('currency') }),
        el('input', { id: currencyId, name: 'currency', value: 'BRL', maxlength: 3, size: 4, autocomplete: 'off' }))),
    status,
    el('div', { class: 'row' },
      el('button', { type: 'submit', class: 'btn btn-primary btn-small', text: t('create') }),
      el('button', { type: 'button', class: 'btn btn-quiet btn-small', text: t('cancel'),
        onclick: () => { form.hidden = true; toggle.setAttribute('aria-expanded', 'false'); toggle.focus(); } })));
  toggle.addEventListener('click', () => {
    form.hidden = !form.hidden;
    toggle.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) form.elements.title.focus();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const title = form.elements.title.value.trim();
    if (!title) { status.textContent = t('cardTitle'); form.elements.title.focus(); return; }
    const currency = form.elements.currency.value.trim().toUpperCase() || 'BRL';
    const body = { stage_id: stage.id, title };
    const minor = f.minor(form.elements.amount.value, currency);
    if (Number.isNaN(minor)) { status.textContent = `${t('amount')}?`; form.elements.amount.focus(); return; }
    if (minor !== null) { body.amount_minor = minor; body.currency = currency; }
    const result = await api(`/boards/${state.boardId}/cards`, { method: 'POST', body });
    if (!result.ok) { status.textContent = problemText(t, result); return; }
    status.textContent = '';
    form.reset();
    form.elements.currency.value = currency;
    upsert(result.body);
    refreshHeadsSoon();
    announce(t('created', result.body.title, stage.name));
    form.elements.title.focus();
  });
  return el('div', { class: 'add-card-wrap' }, toggle, form);
}

async function loadMore(stageId, button) {
  const data = state.columns.get(stageId);
  const page = await loadCards(stageId, data.next);
  data.cards.push(...page.items);
  data.next = page.next;
  const list = root.querySelector(`ol.cards[data-stage-id="${stageId}"]`);
  for (const card of page.items) {
    if (!list.querySelector(`li[data-card-id="${card.id}"]`)) list.append(cardItem(card));
  }
  button.hidden = !page.next;
  if (page.items[0]) list.querySelector(`li[data-card-id="${page.items[0].id}"] .card-title`)?.focus();
}

// ------------------------------------------------------------------ moving

function neighbours(li) {
  const prev = li.previousElementSibling;
  const next = li.nextElementSibling;
  return { after: prev?.dataset.cardId ?? null, before: next?.dataset.cardId ?? null };
}

function moveWithin(li, direction) {
  const list = li.parentElement;
  if (direction < 0 && li.previousElementSibling) list.insertBefore(li, li.previousElementSibling);
  else if (direction > 0 && li.nextElementSibling) list.insertBefore(li.nextElementSibling, li);
  send(li, list.dataset.stageId);
}

function moveToStage(li, stageId) {
  const list = root.querySelector(`ol.cards[data-stage-id="${stageId}"]`);
  const data = state.columns.get(stageId);
  if (data?.next) {
    // the column has more cards than are shown: go to the top, where the place is known
    list.prepend(li);
  } else {
    list.append(li);
  }
  send(li, stageId);
}

async function send(li, stageId) {
  const id = li.dataset.cardId;
  const title = li.querySelector('.card-title').textContent;
  const { after, before } = neighbours(li);
  const body = { stage_id: stageId };
  if (after) body.after_card_id = after;
  else if (before) body.before_card_id = before;
  const result = await api(`/cards/${id}/move`, { method: 'POST', body, ifMatch: li.dataset.version });
  if (!result.ok) {
    const message = t('moveFailed', title, problemText(t, result));
    state.pendingErrors.set(stageId, message);
    announce(message);
    await reload();
    return;
  }
  const card = result.body;
  const fresh = cardItem(card);
  li.replaceWith(fresh);
  remember(card);
  refreshHeadsSoon();
  const position = [...fresh.parentElement.children].indexOf(fresh) + 1;
  announce(t('moved', card.title, stageName(card.stage_id), position));
  fresh.querySelector('.move-btn, .card-title')?.focus();
}

function remember(card) {
  for (const [stageId, data] of state.columns) {
    data.cards = data.cards.filter((c) => c.id !== card.id);
    if (stageId === card.stage_id) data.cards.push(card);
  }
}

function sortable(list) {
  if (!window.Sortable) return;
  window.Sortable.create(list, {
    group: 'cards',
    animation: 150,
    forceFallback: true,
    fallbackTolerance: 3,
    draggable: '.card.can-move',
    filter: 'button, a, input, select, textarea, .move-menu',
    preventOnFilter: false,
    ghostClass: 'card-ghost',
    chosenClass: 'card-chosen',
    dragClass: 'card-drag',
    onEnd: (event) => {
      if (event.from === event.to && event.oldIndex === event.newIndex) return;
      send(event.item, event.to.dataset.stageId);
    },
  });
}

// ------------------------------------------------------------------ live updates

function upsert(card) {
  const existing = root.querySelector(`li[data-card-id="${card.id}"]`);
  if (filtered()) { reloadSoon(); return; }
  const list = root.querySelector(`ol.cards[data-stage-id="${card.stage_id}"]`);
  if (card.archived || !list) { existing?.remove(); remember({ ...card, stage_id: null }); return; }
  const hadFocus = existing && existing.contains(document.activeElement) ? focusKey() : null;
  const data = state.columns.get(card.stage_id);
  const siblings = [...list.children].filter((li) => li.dataset.cardId !== card.id);
  const last = siblings[siblings.length - 1];
  if (data?.next && last && card.rank > last.dataset.rank) { existing?.remove(); return; }
  const fresh = cardItem(card);
  const before = siblings.find((li) => li.dataset.rank > card.rank);
  existing?.remove();
  if (before) list.insertBefore(fresh, before); else list.append(fresh);
  remember(card);
  if (hadFocus) restoreFocus(hadFocus);
}

function connect() {
  const url = `/api/v1/accounts/${account}/boards/${state.boardId}/events`;
  const source = new EventSource(url, { withCredentials: true });
  state.source = source;
  source.onopen = () => {
    live.textContent = `● ${t('live')}`;
    live.className = 'live on';
    if (state.hadError) { state.hadError = false; reload(); }
  };
  source.onerror = async () => {
    state.hadError = true;
    live.textContent = t('offline');
    live.className = 'live off';
    if (source.readyState !== EventSource.CLOSED) return;
    // the stream was refused: a session that ended stays ended, so say that instead of retrying
    const signedIn = await auth('/api/v1/auth/me');
    if (signedIn.status === 401) sessionEnded();
    else window.setTimeout(connect, 3000);
  };
  const onCard = (type) => (event) => {
    const data = JSON.parse(event.data);
    const card = data.card;
    const open = document.getElementById('drawer').open;
    upsert(card);
    refreshHeadsSoon();
    if (!open) {
      if (type === 'card.created') announce(t('created', card.title, stageName(card.stage_id)));
      if (type === 'card.moved') announce(t('remoteMoved', card.title, stageName(card.stage_id)));
    }
  };
  source.addEventListener('card.created', onCard('card.created'));
  source.addEventListener('card.updated', onCard('card.updated'));
  source.addEventListener('card.moved', onCard('card.moved'));
  source.addEventListener('card.deleted', (event) => {
    const data = JSON.parse(event.data);
    root.querySelector(`li[data-card-id="${data.card_id}"]`)?.remove();
    refreshHeadsSoon();
  });
  for (const type of ['resync', 'stage.created', 'stage.updated', 'stage.deleted', 'stage.reordered', 'board.updated']) {
    source.addEventListener(type, () => reloadSoon());
  }
}

function sessionEnded() {
  const here = window.location.pathname + window.location.search;
  live.replaceChildren(el('a', { href: `/app/login?next=${encodeURIComponent(here)}`, text: t('signInAgain') }));
}

// ------------------------------------------------------------------ focus

function focusKey() {
  const active = document.activeElement;
  const li = active?.closest?.('li.card');
  if (li) return { card: li.dataset.cardId, cls: [...active.classList][0] };
  const section = active?.closest?.('section.column');
  if (section) return { stage: section.dataset.stageId, cls: [...active.classList].find((c) => c !== 'btn') };
  return null;
}

function restoreFocus(key) {
  if (!key) return;
  const scope = key.card ? root.querySelector(`li[data-card-id="${key.card}"]`)
    : root.querySelector(`section[data-stage-id="${key.stage}"]`);
  const target = scope?.querySelector(key.cls ? `.${key.cls}` : 'button') || scope?.querySelector('button');
  target?.focus();
}

// ------------------------------------------------------------------ drawer, filters, board choice

function openCard(cardId, opener) {
  const url = new URL(window.location.href);
  url.searchParams.set('card', cardId);
  window.history.replaceState(null, '', url);
  openDrawer({ api, t, f, cardId, opener, stages: state.board.stages, users: state.users, chatwootBase,
    fieldDefinitions: state.board.field_definitions || [],
    canChange, onClose: () => {
      const closed = new URL(window.location.href);
      closed.searchParams.delete('card');
      window.history.replaceState(null, '', closed);
    },
    onChange: (card) => { if (card) upsert(card); else reloadSoon(); refreshHeadsSoon(); } });
}

filtersForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const url = new URL(window.location.href);
  for (const name of FILTERS) {
    const input = filtersForm.elements[name];
    const value = input.type === 'checkbox' ? (input.checked ? 'true' : '') : input.value.trim();
    if (value) url.searchParams.set(name, value); else url.searchParams.delete(name);
  }
  window.history.replaceState(null, '', url);
  reload();
});

document.getElementById('f-clear').addEventListener('click', () => {
  filtersForm.reset();
  const url = new URL(window.location.href);
  for (const name of FILTERS) url.searchParams.delete(name);
  window.history.replaceState(null, '', url);
  reload();
});

// the cards the applied filters show, as a CSV file: fetched with the session (so a refusal can be said on the page)
// and handed to the browser as a download
document.getElementById('f-export').addEventListener('click', async () => {
  const said = document.getElementById('export-status');
  const query = filterQuery().toString();
  said.textContent = '';
  const result = await api(`/boards/${state.boardId}/cards/export${query ? `?${query}` : ''}`, { file: true });
  if (!result.ok) {
    said.textContent = problemText(t, result);
    return;
  }
  const cards = result.headers.get('X-Card-Count') ?? '?';
  const name = `${state.board?.name ?? 'board'}.csv`;
  const link = el('a', { href: URL.createObjectURL(result.body), download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  said.textContent = t('exported', cards, name);
});

// "/" jumps to the search, as on boards people know (Trello, Linear, GitHub), unless they are typing somewhere
document.addEventListener('keydown', (e) => {
  if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
  const target = e.target;
  if (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
  if (document.querySelector('dialog[open]')) return;
  e.preventDefault();
  filtersForm.elements.q.focus();
  filtersForm.elements.q.select();
});

boardSelect.addEventListener('change', () => {
  const url = new URL(window.location.href);
  url.searchParams.set('board', boardSelect.value);
  url.searchParams.delete('card');
  window.location.assign(url);
});

init();
