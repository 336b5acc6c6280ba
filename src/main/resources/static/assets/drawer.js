// The card drawer: a modal <dialog> beside the board with the card's fields, checklist,
// Chatwoot conversations and history; it returns focus to whatever opened it.
import { el, problemText } from './common.js';

const dialog = document.getElementById('drawer');
let context = null;

dialog.addEventListener('close', () => {
  const opener = context?.opener;
  context?.onClose?.();
  context = null;
  dialog.replaceChildren();
  if (opener && document.contains(opener)) opener.focus();
});

export async function openDrawer(options) {
  context = options;
  if (!dialog.open) dialog.showModal();
  await renderDrawer();
}

async function renderDrawer(message) {
  const { api, t, cardId } = context;
  const [card, checklist, history] = await Promise.all([api(`/cards/${cardId}`), api(`/cards/${cardId}/checklist`),
    api(`/cards/${cardId}/history`)]);
  if (!context) return;
  if (!card.ok) {
    dialog.replaceChildren(header(t('error', card.status)), el('p', { class: 'alert', role: 'alert', text: problemText(t, card) }));
    return;
  }
  const view = card.body;
  const editable = context.canChange(view);
  const status = el('p', { class: 'drawer-status', role: 'status', text: message || '' });
  dialog.replaceChildren(
    header(view.title),
    status,
    fields(view, editable, status),
    checklistSection(view, checklist.ok ? checklist.body.items : [], editable, status),
    conversations(view),
    historySection(history.ok ? history.body.items : []),
    editable ? dangerZone(view, status) : el('p', { class: 'readonly-note', text: t('readOnly') }));
}

function header(title) {
  return el('div', { class: 'drawer-head' },
    el('h2', { id: 'drawer-title', text: title }),
    el('button', { type: 'button', class: 'btn btn-quiet', text: context.t('close'), onclick: () => dialog.close() }));
}

function field(id, label, input, hint) {
  return el('div', { class: 'field' }, el('label', { for: id, text: label }), input,
    hint ? el('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null);
}

function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fields(card, editable, status) {
  const { t, f, api, users, stages } = context;
  const disabled = !editable;
  const amountText = card.amount_minor === null || card.amount_minor === undefined ? ''
    : f.money(card.amount_minor, card.currency).replace(/[^\d.,\s]/g, '').trim();
  const assignee = el('select', { id: 'd-assignee', name: 'assignee_id', disabled },
    el('option', { value: '', text: t('unassigned') }),
    [...users.values()].map((u) => el('option', { value: u.id, text: u.name, selected: u.id === card.assignee_id })));
  const priority = el('select', { id: 'd-priority', name: 'priority', disabled },
    ['low', 'normal', 'high', 'urgent'].map((p) => el('option', { value: p, text: t(`priority.${p}`), selected: p === card.priority })));
  const form = el('form', { class: 'drawer-form stack' },
    field('d-title', t('title'), el('input', { id: 'd-title', name: 'title', value: card.title, required: true, maxlength: 500, disabled })),
    el('p', { class: 'drawer-stage', text: `${t('stage')}: ${stages.find((s) => s.id === card.stage_id)?.name ?? ''}` }),
    el('div', { class: 'row' },
      field('d-contact', t('contact'), el('input', { id: 'd-contact', name: 'contact', value: card.contact?.name ?? '', maxlength: 200, disabled })),
      field('d-phone', t('phone'), el('input', { id: 'd-phone', name: 'phone', value: card.contact?.phone ?? '', maxlength: 50, disabled }))),
    el('div', { class: 'row' },
      field('d-amount', t('amount'), el('input', { id: 'd-amount', name: 'amount', value: amountText, inputmode: 'decimal', disabled })),
      field('d-currency', t('currency'), el('input', { id: 'd-currency', name: 'currency', value: card.currency ?? 'BRL', maxlength: 3, size: 4, disabled }))),
    el('div', { class: 'row' }, field('d-priority', t('priority'), priority), field('d-assignee', t('assignee'), assignee)),
    field('d-due', t('dueDate'), el('input', { id: 'd-due', name: 'due', type: 'datetime-local', value: toLocalInput(card.due_at), disabled })),
    field('d-labels', t('labels'), el('input', { id: 'd-labels', name: 'labels', value: (card.labels || []).join(', '),
      'aria-describedby': 'd-labels-hint', disabled }), t('labelsHint')),
    customFields(card, disabled),
    editable ? el('button', { type: 'submit', class: 'btn btn-primary', text: t('save') }) : null);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const els = form.elements;
    const currency = els.currency.value.trim().toUpperCase() || null;
    const minor = f.minor(els.amount.value, currency || 'BRL');
    if (Number.isNaN(minor)) { status.textContent = `${t('amount')}?`; els.amount.focus(); return; }
    // only what the person changed: the rest (the Chatwoot contact id, an assignee not listed) stays as it is
    const body = {};
    if (changed(els.title)) body.title = els.title.value.trim();
    const contact = {};
    if (changed(els.contact)) contact.name = els.contact.value.trim() || null;
    if (changed(els.phone)) contact.phone = els.phone.value.trim() || null;
    if (Object.keys(contact).length) body.contact = contact;
    if (changed(els.amount) || changed(els.currency)) {
      body.amount_minor = minor;
      body.currency = minor === null ? null : currency;
    }
    if (changed(els.priority)) body.priority = els.priority.value;
    if (changed(els.assignee_id)) body.assignee_id = els.assignee_id.value || null;
    if (changed(els.due)) body.due_at = els.due.value ? new Date(els.due.value).toISOString() : null;
    if (changed(els.labels)) body.labels = els.labels.value.split(',').map((l) => l.trim()).filter(Boolean);
    const custom = customValues(form, context.fieldDefinitions || []);
    if (Object.keys(custom).length) body.custom_fields = custom;
    if (!Object.keys(body).length) { status.textContent = t('saved'); return; }
    const result = await api(`/cards/${card.id}`, { method: 'PATCH', body, ifMatch: card.version });
    if (!result.ok) {
      status.textContent = problemText(t, result);
      if (result.status === 412) await renderDrawer(t('conflict'));
      return;
    }
    context.onChange(result.body);
    await renderDrawer(t('saved'));
    dialog.querySelector('#d-title')?.focus();
  });
  return el('section', { class: 'drawer-section', 'aria-label': t('title') }, form);
}

/** The board's own fields (text, number, yes/no, date, choice), as the board defines them. */
function customFields(card, disabled) {
  const definitions = context.fieldDefinitions || [];
  if (!definitions.length) return null;
  const values = card.custom_fields || {};
  const inputs = definitions.map((d) => {
    const id = `cf-${d.key}`;
    const label = d.label || d.key;
    const value = values[d.key];
    const common = { id, name: id, required: d.required && d.type !== 'boolean', disabled, dataset: { key: d.key } };
    if (d.type === 'boolean') {
      return el('div', { class: 'field-check' }, el('input', { ...common, type: 'checkbox', checked: value === true }),
        el('label', { for: id, text: label }));
    }
    if (d.type === 'select') {
      return field(id, label, el('select', common, el('option', { value: '', text: '—' }),
        (d.options || []).map((o) => el('option', { value: o, text: o, selected: o === value }))));
    }
    const type = { number: 'number', date: 'date' }[d.type] || 'text';
    const shown = value === null || value === undefined ? '' : (d.type === 'date' ? String(value).slice(0, 10) : String(value));
    return field(id, label, el('input', { ...common, type, value: shown, step: d.type === 'number' ? 'any' : null,
      maxlength: type === 'text' ? 1000 : null }));
  });
  return el('fieldset', { class: 'custom-fields' }, el('legend', { text: context.t('customFields') }), inputs);
}

/** Whether the person changed a field since the drawer showed it. */
function changed(input) {
  if (input.type === 'checkbox') return input.checked !== input.defaultChecked;
  if (input.tagName === 'SELECT') {
    const shown = [...input.options].find((o) => o.defaultSelected) ?? input.options[0];
    return input.value !== (shown?.value ?? '');
  }
  return input.value !== input.defaultValue;
}

/** The board's own fields the person changed. */
function customValues(form, definitions) {
  const values = {};
  for (const d of definitions) {
    const input = form.querySelector(`[data-key="${CSS.escape(d.key)}"]`);
    if (!input || !changed(input)) continue;
    if (d.type === 'boolean') values[d.key] = input.checked;
    else if (input.value.trim() === '') values[d.key] = null;
    else if (d.type === 'number') values[d.key] = Number(input.value);
    else values[d.key] = input.value.trim();
  }
  return values;
}

function checklistSection(card, items, editable, status) {
  const { t, api } = context;
  const list = el('ul', { class: 'checklist' }, items.map((item) => {
    const id = `item-${item.id}`;
    const box = el('input', { type: 'checkbox', id, checked: item.done, disabled: !editable });
    box.addEventListener('change', async () => {
      const result = await api(`/cards/${card.id}/checklist/${item.id}`, { method: 'PATCH', body: { done: box.checked } });
      if (!result.ok) { status.textContent = problemText(t, result); box.checked = !box.checked; return; }
      context.onChange(null);
      status.textContent = t('saved');
    });
    return el('li', {}, box, el('label', { for: id, text: item.text }),
      item.required ? el('span', { class: 'badge', text: t('required') }) : null);
  }));
  const add = editable ? el('form', { class: 'row add-item' },
    el('label', { for: 'new-item', class: 'sr-only', text: t('addItem') }),
    el('input', { id: 'new-item', name: 'text', maxlength: 500, placeholder: t('addItem'), required: true }),
    el('button', { type: 'submit', class: 'btn btn-small', text: t('addItem') })) : null;
  add?.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = add.elements.text.value.trim();
    if (!text) return;
    const result = await api(`/cards/${card.id}/checklist`, { method: 'POST', body: { text } });
    if (!result.ok) { status.textContent = problemText(t, result); return; }
    context.onChange(null);
    await renderDrawer(t('saved'));
    dialog.querySelector('#new-item')?.focus();
  });
  return el('section', { class: 'drawer-section', 'aria-labelledby': 'h-checklist' },
    el('h3', { id: 'h-checklist', text: `${t('checklist')} (${items.filter((i) => i.done).length}/${items.length})` }), list, add);
}

function conversations(card) {
  const { t, chatwootBase } = context;
  const ids = card.conversation_ids || [];
  return el('section', { class: 'drawer-section', 'aria-labelledby': 'h-conversations' },
    el('h3', { id: 'h-conversations', text: t('conversations') }),
    ids.length ? el('ul', { class: 'links' }, ids.map((id) => el('li', {}, chatwootBase
      ? el('a', { href: `${chatwootBase}${id}`, target: '_blank', rel: 'noopener noreferrer', text: t('openInChatwoot', id) })
      : `#${id}`)))
      : el('p', { class: 'muted', text: '—' }));
}

function historySection(items) {
  const { t, f, stages, users } = context;
  const name = (id) => stages.find((s) => s.id === id)?.name ?? '';
  return el('section', { class: 'drawer-section', 'aria-labelledby': 'h-history' },
    el('h3', { id: 'h-history', text: t('history') }),
    el('ol', { class: 'history' }, items.slice(0, 30).map((item) => {
      const who = item.actor?.id ? (users.get(item.actor.id)?.name ?? item.actor.type) : (item.actor?.type ?? '');
      const action = item.action.replace(/^card\./, '');
      const label = t(`action.${action}`) === `action.${action}` ? action : t(`action.${action}`);
      return el('li', {}, el('time', { datetime: item.at, text: f.dateTime(item.at) }), ' · ', who, ' · ', label,
        item.to_stage_id ? ` ${t('toStage', name(item.to_stage_id))}` : '');
    })));
}

function dangerZone(card, status) {
  const { t, api } = context;
  return el('div', { class: 'drawer-actions' },
    el('button', { type: 'button', class: 'btn', text: t('archive'), onclick: async () => {
      const result = await api(`/cards/${card.id}`, { method: 'PATCH', body: { archived: true }, ifMatch: card.version });
      if (!result.ok) { status.textContent = problemText(t, result); return; }
      context.onChange(result.body);
      dialog.close();
    } }),
    el('button', { type: 'button', class: 'btn btn-danger', text: t('delete'), onclick: async () => {
      if (!window.confirm(t('confirmDelete'))) return;
      const result = await api(`/cards/${card.id}`, { method: 'DELETE', ifMatch: card.version });
      if (!result.ok) { status.textContent = problemText(t, result); return; }
      document.querySelector(`li[data-card-id="${card.id}"]`)?.remove();
      context.onChange(null);
      dialog.close();
    } }));
}
