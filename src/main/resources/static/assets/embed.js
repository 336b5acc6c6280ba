// The Chatwoot Dashboard App: asks Chatwoot for its context, trusts only messages from the
// configured Chatwoot origin and from the parent window, and shows that conversation's card.
// The ids in Chatwoot's message are hints: the server looks them up in the user's own accounts.
import { apiFor, texts, formats, problemText, el } from './common.js';

const root = document.getElementById('embed');
const origin = root.dataset.chatwootOrigin || null;
const t = texts(root);
const f = formats(root.dataset.locale);
const status = document.getElementById('embed-status');
const target = document.getElementById('embed-card');
const pages = apiFor(null);
let current = null;

function parseContext(event) {
  if (!origin || event.origin !== origin || event.source !== window.parent || typeof event.data !== 'string') return null;
  let message;
  try { message = JSON.parse(event.data); } catch { return null; }
  if (!message || message.event !== 'appContext' || typeof message.data !== 'object') return null;
  const conversation = message.data.conversation || {};
  const accountId = Number(conversation.account_id);
  const conversationId = Number(conversation.id);
  if (!Number.isSafeInteger(accountId) || accountId <= 0 || !Number.isSafeInteger(conversationId) || conversationId <= 0) return null;
  const contact = message.data.contact || conversation.meta?.sender || {};
  const contactId = Number(contact.id);
  return { accountId, conversationId, contactName: typeof contact.name === 'string' ? contact.name.slice(0, 200) : null,
    contactId: Number.isSafeInteger(contactId) && contactId > 0 ? contactId : null };
}

window.addEventListener('message', (event) => {
  const context = parseContext(event);
  if (!context) return;
  if (current && current.accountId === context.accountId && current.conversationId === context.conversationId) return;
  current = context;
  show();
});

async function show(message) {
  const { accountId, conversationId } = current;
  status.textContent = message || '';
  const found = await pages(`/app/embed/conversation?chatwoot_account_id=${accountId}&conversation_id=${conversationId}`);
  if (!found.ok) { status.textContent = problemText(t, found); target.replaceChildren(); return; }
  if (!found.body.card_id) {
    const create = el('button', { type: 'button', class: 'btn btn-primary', text: t('createCardForConversation'),
      onclick: async () => {
        const result = await pages('/app/embed/conversation', { method: 'POST', body: {
          chatwoot_account_id: accountId, conversation_id: conversationId,
          contact_name: current.contactName, chatwoot_contact_id: current.contactId } });
        if (!result.ok) { status.textContent = problemText(t, result); return; }
        await show(t('saved'));
      } });
    target.replaceChildren(el('h2', { text: t('cardOfConversation', conversationId) }),
      el('p', { text: t('noCardYet') }), create);
    return;
  }
  const api = apiFor(found.body.account_id, { 'X-Whatpro-Embed': '1' });
  const [card, board] = await Promise.all([api(`/cards/${found.body.card_id}`), api(`/boards/${found.body.board_id}`)]);
  if (!card.ok || !board.ok) { status.textContent = problemText(t, card.ok ? board : card); return; }
  render(api, card.body, board.body, found.body.board_url);
}

function render(api, card, board, boardUrl) {
  const stageSelect = el('select', { id: 'e-stage', name: 'stage' },
    board.stages.map((s) => el('option', { value: s.id, text: s.name, selected: s.id === card.stage_id })));
  const move = el('form', { class: 'row' },
    el('label', { for: 'e-stage', text: t('stage') }), stageSelect,
    el('button', { type: 'submit', class: 'btn btn-small', text: t('moveTo') }));
  move.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (stageSelect.value === card.stage_id) return;
    const result = await api(`/cards/${card.id}/move`, { method: 'POST', body: { stage_id: stageSelect.value }, ifMatch: card.version });
    if (!result.ok) { status.textContent = problemText(t, result); return; }
    await show(t('moved', result.body.title, stageSelect.selectedOptions[0].text, 1));
  });
  const edit = el('form', { class: 'stack' },
    el('label', { for: 'e-title', text: t('title') }),
    el('input', { id: 'e-title', name: 'title', value: card.title, maxlength: 500, required: true }),
    el('button', { type: 'submit', class: 'btn btn-small', text: t('save') }));
  edit.addEventListener('submit', async (e) => {
    e.preventDefault();
    const result = await api(`/cards/${card.id}`, { method: 'PATCH', body: { title: edit.elements.title.value.trim() }, ifMatch: card.version });
    if (!result.ok) { status.textContent = problemText(t, result); return; }
    await show(t('saved'));
  });
  target.replaceChildren(
    el('p', { class: 'muted', text: t('cardOfConversation', current.conversationId) }),
    el('h2', { class: 'embed-title', text: card.title }),
    card.amount_minor !== null && card.amount_minor !== undefined ? el('p', { class: 'card-amount', text: f.money(card.amount_minor, card.currency) }) : null,
    card.overdue ? el('p', { class: 'due is-overdue' }, el('strong', { text: `⚠ ${t('overdue')}` })) : null,
    move, edit,
    el('p', {}, el('a', { href: boardUrl, target: '_blank', rel: 'noopener', text: t('openBoard') })));
}

function ask(attempt) {
  if (current || !origin || window.parent === window) {
    if (!current) status.textContent = t('noConversation');
    return;
  }
  status.textContent = t('waitingForChatwoot');
  window.parent.postMessage('chatwoot-dashboard-app:fetch-info', origin);
  if (attempt < 5) window.setTimeout(() => ask(attempt + 1), 1000);
  else if (!current) status.textContent = t('noConversation');
}

if (origin) ask(0);
