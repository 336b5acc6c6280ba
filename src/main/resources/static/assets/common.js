// Shared helpers of the web app's modules: API calls with the page's CSRF token, texts, formats.

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content');

export function texts(element) {
  const messages = JSON.parse(element.dataset.messages || '{}');
  return (key, ...args) => (messages[key] ?? key).replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)] ?? ''));
}

/**
 * Calls the JSON API of one account; answers {ok, status, body, etag, retryAfter, headers}. Never throws on an HTTP
 * error. With {file: true} a successful answer's body is a Blob (a download), a refusal's still its problem.
 */
export function apiFor(account, extraHeaders = {}) {
  return async function api(path, { method = 'GET', body, ifMatch, file = false } = {}) {
    const headers = { Accept: file ? '*/*' : 'application/json', ...extraHeaders };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (ifMatch !== undefined && ifMatch !== null) headers['If-Match'] = `"${ifMatch}"`;
    if (method !== 'GET') {
      const header = meta('csrf-header');
      const token = meta('csrf-token');
      if (header && token) headers[header] = token;
    }
    const url = path.startsWith('/') && account !== null ? `/api/v1/accounts/${account}${path}` : path;
    let response;
    try {
      response = await fetch(url, { method, headers, credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      return { ok: false, status: 0, body: { detail: String(e) }, etag: null };
    }
    let parsed = null;
    const type = response.headers.get('Content-Type') || '';
    if (file && response.ok) {
      parsed = await response.blob();
    } else if (response.status !== 204 && type.includes('json')) {
      try { parsed = await response.json(); } catch { parsed = null; }
    }
    return { ok: response.ok, status: response.status, body: parsed, etag: response.headers.get('ETag'),
      retryAfter: response.headers.get('Retry-After'), headers: response.headers };
  };
}

/** Every item of a list, page after page (limit 200, following next_cursor): {ok, items}, or the refused call's answer. */
export async function allItems(api, path) {
  const items = [];
  let cursor = null;
  do {
    const query = `limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const result = await api(`${path}${path.includes('?') ? '&' : '?'}${query}`);
    if (!result.ok) return { ...result, items };
    items.push(...result.body.items);
    cursor = result.body.next_cursor;
  } while (cursor);
  return { ok: true, items };
}

export function formats(locale) {
  const moneyFormats = new Map();
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'short' });
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });
  return {
    money(minor, currency) {
      if (minor === null || minor === undefined || !currency) return '';
      if (!moneyFormats.has(currency)) {
        try {
          moneyFormats.set(currency, new Intl.NumberFormat(locale, { style: 'currency', currency }));
        } catch {
          moneyFormats.set(currency, new Intl.NumberFormat(locale, { style: 'currency', currency: 'BRL' }));
        }
      }
      const format = moneyFormats.get(currency);
      const digits = format.resolvedOptions().maximumFractionDigits;
      return format.format(minor / 10 ** digits);
    },
    /** Parses an amount typed in this locale ("1.234,56" in pt-BR, "1,234.56" in English) into minor units. */
    minor(text, currency) {
      if (!text || !text.trim()) return null;
      const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
      const group = parts.find((p) => p.type === 'group')?.value ?? ',';
      const decimal = parts.find((p) => p.type === 'decimal')?.value ?? '.';
      const normal = text.trim().split(group).join('').replace(/\s/g, '').replace(decimal, '.');
      const value = Number(normal);
      if (!Number.isFinite(value) || value < 0) return NaN;
      let digits = 2;
      try { digits = new Intl.NumberFormat(locale, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits; } catch { /* default */ }
      return Math.round(value * 10 ** digits);
    },
    date(iso) { return iso ? dateFormat.format(new Date(iso)) : ''; },
    dateTime(iso) { return iso ? dateTimeFormat.format(new Date(iso)) : ''; },
  };
}

/** The sentence to show for a refused API call. */
export function problemText(t, result) {
  if (result.status === 401) return t('signInAgain');
  if (result.status === 429) return t('rateLimited', result.retryAfter || '?');
  if (result.status === 412) return t('conflict');
  const body = result.body || {};
  if (result.status === 503 && body.type === 'urn:whatpro:problem:busy') return t('busy');
  const fields = (body.errors || []).map((e) => `${e.field}: ${e.message}`).join('; ');
  return body.detail ? body.detail + (fields ? ` (${fields})` : '') : t('error', result.status);
}

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.substring(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function initials(name) {
  return (name || '?').split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join('');
}
