/**
 * The widget's code: plain modern JavaScript kept as a string (no framework, no build step; the
 * server only concatenates it with the stylesheet, see ./source.ts). Rules it keeps:
 * - every customer or agent string reaches the page through textContent or an attribute value,
 *   never innerHTML (there is no innerHTML anywhere in it; a unit test checks);
 * - everything lives in an open Shadow DOM so the site's CSS cannot break it;
 * - the visitor id stays in localStorage; the visitor token only in memory;
 * - the WebSocket reconnects with backoff and catches up with afterSeq.
 * It must not contain a backquote or a dollar-brace (it sits in a String.raw template).
 */
export const WIDGET_SCRIPT = String.raw`
'use strict';
if (window.__switchboardChat) return;
window.__switchboardChat = true;

var script = document.currentScript || document.querySelector('script[data-account][src*="/webchat/widget.js"]');
if (!script || !script.getAttribute('data-account')) {
  console.error('Switchboard chat: add data-account="<account id>" to the widget script tag');
  return;
}
var accountId = script.getAttribute('data-account');
var base = script.src.replace(/\/webchat\/widget\.js(?:[?#].*)?$/, '');
var api = base + '/webchat/' + encodeURIComponent(accountId);
var storeKey = 'switchboard-chat:' + accountId + ':visitorId';

// ── state ────────────────────────────────────────────────────────────────────────────────
var S = {
  token: null, visitorId: null, customerToken: null, settings: null, preChat: {}, preChatNeeded: false,
  conversation: null, displayName: null,
  messages: new Map(), convOrder: [], pending: new Map(),
  open: false, unread: 0, ws: null, wsAttempt: 0, wsTimer: null, pingTimer: null, connected: false,
  agentTyping: null, agentTypingTimer: null, typingSentAt: 0, typingStopTimer: null,
  receipts: { delivered: new Set(), read: new Set() }, receiptTimer: null, acked: new Map(),
  blobUrls: new Map(), sessionSeq: 0, stick: false
};

function readVisitorId() { try { return window.localStorage.getItem(storeKey); } catch (e) { return null; } }
function writeVisitorId(v) { try { window.localStorage.setItem(storeKey, v); } catch (e) { /* private mode: memory only */ } }

function uuid() {
  var b = new Uint8Array(16);
  window.crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  var h = '';
  for (var i = 0; i < 16; i++) h += (b[i] + 0x100).toString(16).slice(1);
  return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
}

// ── DOM helpers: text only ──────────────────────────────────────────────────────────────
function el(tag, props, children) {
  var e = document.createElement(tag);
  if (props) {
    Object.keys(props).forEach(function (k) {
      var v = props[k];
      if (v === undefined || v === null || v === false) return;
      if (k === 'text') e.textContent = String(v);
      else if (k === 'className') e.className = v;
      else if (k.indexOf('on') === 0) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    });
  }
  (children || []).forEach(function (c) { if (c) e.appendChild(c); });
  return e;
}
function icon(path) {
  var ns = 'http://www.w3.org/2000/svg';
  var svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  var p = document.createElementNS(ns, 'path');
  p.setAttribute('d', path);
  svg.appendChild(p);
  return svg;
}
var CHAT_ICON = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z';
var CLOSE_ICON = 'M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z';
var CLIP_ICON = 'M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z';
var FILE_ICON = 'M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zm-1 7V3.5L18.5 9z';

// ── the shadow tree ─────────────────────────────────────────────────────────────────────
// A custom element name: the site's rules for div, section… never match the host.
var host = el('switchboard-chat', { 'data-account': accountId });
var root = host.attachShadow({ mode: 'open' });
try {
  var sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = [sheet];
} catch (e) {
  root.appendChild(el('style', { text: CSS }));
}

var badge = el('span', { className: 'badge', hidden: true, 'aria-hidden': 'true' });
var chatIcon = icon(CHAT_ICON);
var closeIcon = icon(CLOSE_ICON);
closeIcon.style.display = 'none';
var launcher = el('button', { className: 'launcher', type: 'button', 'aria-label': 'Open chat', 'aria-expanded': 'false', 'aria-controls': 'sb-panel', hidden: true }, [chatIcon, closeIcon, badge]);
var titleEl = el('h2', { id: 'sb-title', text: 'Chat' });
var subEl = el('div', { className: 'sub', 'aria-live': 'polite' });
var closeBtn = el('button', { className: 'close', type: 'button', 'aria-label': 'Close chat' }, [icon(CLOSE_ICON)]);
var notice = el('div', { className: 'notice', role: 'status', hidden: true });
var prechat = el('form', { className: 'prechat', hidden: true, novalidate: true, 'aria-label': 'Before we start' });
var log = el('div', { className: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages', tabindex: '0' });
var typingEl = el('div', { className: 'typing', 'aria-live': 'polite' });
var input = el('textarea', { rows: '1', 'aria-label': 'Type your message', placeholder: 'Type your message…' });
var fileInput = el('input', { type: 'file', hidden: true, accept: 'image/jpeg,image/png,image/gif,image/webp,application/pdf', 'aria-hidden': 'true', tabindex: '-1' });
var attachBtn = el('button', { className: 'attach', type: 'button', 'aria-label': 'Attach a file', title: 'Attach a file', hidden: true }, [icon(CLIP_ICON)]);
var sendBtn = el('button', { className: 'send', type: 'submit', text: 'Send' });
var composer = el('form', { className: 'composer', 'aria-label': 'Send a message' }, [attachBtn, fileInput, input, sendBtn]);
var chat = el('div', { className: 'chat' }, [log, typingEl, composer]);
var panel = el('div', { className: 'panel', id: 'sb-panel', role: 'dialog', 'aria-labelledby': 'sb-title', hidden: true }, [
  el('div', { className: 'head' }, [el('div', { className: 'titles' }, [titleEl, subEl]), closeBtn]),
  notice, prechat, chat
]);
root.appendChild(panel);
root.appendChild(launcher);

function mount() { if (!host.isConnected) document.body.appendChild(host); }
if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);

// ── HTTP ────────────────────────────────────────────────────────────────────────────────
function request(method, path, body, opts) {
  opts = opts || {};
  var headers = {};
  if (S.token && !opts.noAuth) headers.authorization = 'Bearer ' + S.token;
  var init = { method: method, headers: headers, mode: 'cors', credentials: 'omit' };
  if (opts.raw) { headers['content-type'] = opts.contentType; init.body = body; }
  else if (body !== undefined) { headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
  return fetch(api + path, init).then(function (res) {
    if (opts.blob && res.ok) return res.blob();
    if (res.status === 204) return null;
    return res.text().then(function (t) {
      var data = null;
      try { data = t ? JSON.parse(t) : null; } catch (e) { data = null; }
      if (!res.ok) {
        var err = new Error((data && data.error && data.error.message) || ('HTTP ' + res.status));
        err.status = res.status;
        err.code = data && data.error && data.error.code;
        err.retryAfter = Number(res.headers.get('retry-after')) || 0;
        throw err;
      }
      return data;
    });
  });
}

// ── session ─────────────────────────────────────────────────────────────────────────────
function startSession(preChat) {
  var seq = ++S.sessionSeq;
  if (!S.visitorId) S.visitorId = readVisitorId() || uuid();
  var body = { visitorId: S.visitorId };
  if (S.customerToken) body.customerToken = S.customerToken;
  if (preChat) body.preChat = preChat;
  return request('POST', '/session', body, { noAuth: true }).then(function (s) {
    if (seq !== S.sessionSeq) return s;
    S.token = s.token;
    S.visitorId = s.visitorId;
    writeVisitorId(s.visitorId);
    S.settings = s.settings;
    S.preChat = s.preChat || {};
    S.preChatNeeded = !!s.preChatNeeded;
    S.displayName = s.displayName || null;
    S.conversation = s.conversation;
    S.messages.clear();
    S.convOrder = [];
    (s.messages || []).forEach(upsert);
    S.unread = S.open ? 0 : (s.messages || []).filter(function (m) { return m.from !== 'customer' && rank(m.status) < rank('read'); }).length;
    applySettings();
    launcher.hidden = false;
    showView();
    render();
    acknowledge();
    // A new identity (identify, logout) gets its own socket; without a conversation, none yet.
    if (S.conversation) connect(true); else disconnect();
    return s;
  });
}

function applySettings() {
  host.style.setProperty('--sb-accent', S.settings.accentColor);
  titleEl.textContent = S.settings.title;
  attachBtn.hidden = !S.settings.attachments;
  input.maxLength = S.settings.maxMessageLength;
  updateSubtitle();
}

function updateSubtitle() {
  var c = S.conversation;
  var lost = !!S.ws && !S.connected && S.wsAttempt > 0;
  notice.hidden = !lost;
  notice.textContent = lost ? 'Connection lost. Reconnecting…' : '';
  if (c && c.agentName && c.state !== 'closed') subEl.textContent = 'You are chatting with ' + c.agentName;
  else if (c && (c.state === 'open')) subEl.textContent = 'An agent will be with you shortly';
  else subEl.textContent = 'We typically reply in a few minutes';
}

// ── messages ────────────────────────────────────────────────────────────────────────────
function upsert(m) {
  if (S.convOrder.indexOf(m.conversationId) < 0) S.convOrder.push(m.conversationId);
  var old = S.messages.get(m.id);
  if (old && rank(old.status) > rank(m.status)) m.status = old.status;
  S.messages.set(m.id, m);
  if (m.clientMessageId) S.pending.delete(m.clientMessageId);
}
var RANK = { received: 0, queued: 1, sending: 2, sent: 3, delivered: 4, read: 5, failed: 6 };
function rank(s) { return RANK[s] === undefined ? 0 : RANK[s]; }

function sorted() {
  var list = Array.from(S.messages.values());
  list.sort(function (a, b) {
    var ca = S.convOrder.indexOf(a.conversationId), cb = S.convOrder.indexOf(b.conversationId);
    return ca !== cb ? ca - cb : a.seq - b.seq;
  });
  return list;
}

function lastSeq() {
  var conv = S.conversation ? S.conversation.id : S.convOrder[S.convOrder.length - 1];
  var max = 0;
  S.messages.forEach(function (m) { if (m.conversationId === conv && m.seq > max) max = m.seq; });
  return { conversationId: conv, afterSeq: max };
}

function timeOf(at) {
  var d = new Date(at), now = new Date();
  var t = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === now.toDateString() ? t : d.toLocaleDateString([], { month: 'short', day: 'numeric' }) + ' ' + t;
}

var renderQueued = false;
function render() {
  if (renderQueued) return;
  renderQueued = true;
  window.requestAnimationFrame(function () { renderQueued = false; renderNow(); });
}

function renderNow() {
  var atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  var list = sorted();
  // The customer's message counts as seen once an agent wrote after it in the same conversation.
  var answeredUpTo = {};
  list.forEach(function (m) { if (m.from === 'agent' || m.from === 'bot') answeredUpTo[m.conversationId] = m.seq; });
  var frag = document.createDocumentFragment();
  var prev = null;
  list.forEach(function (m) {
    if (prev && prev.conversationId !== m.conversationId) frag.appendChild(el('div', { className: 'sep', text: 'New conversation' }));
    if (m.from === 'system') {
      // The hub's automated messages (greeting, "Wendy has joined"…): a notice, not a person.
      frag.appendChild(el('div', { className: 'row note', 'data-id': m.id, 'data-from': m.from, title: timeOf(m.at) }, [bubble(m)]));
      prev = m;
      return;
    }
    var mine = m.from === 'customer';
    var cont = prev && prev.conversationId === m.conversationId && prev.from === m.from && prev.agentName === m.agentName;
    var mark = '';
    if (mine) mark = (answeredUpTo[m.conversationId] || 0) > m.seq ? ' · \u2713\u2713 Seen' : ' · \u2713 Sent';
    var who = mine ? null : m.from === 'bot' ? 'Assistant' : m.from === 'system' ? S.settings.title : (m.agentName || 'Agent');
    frag.appendChild(el('div', { className: 'row ' + (mine ? 'me' : 'them') + (cont ? ' cont' : ''), 'data-id': m.id, 'data-from': m.from }, [
      !mine && !cont ? el('div', { className: 'name', text: who }) : null,
      bubble(m),
      el('div', { className: 'meta', text: timeOf(m.at) + mark })
    ]));
    prev = m;
  });
  S.pending.forEach(function (p, id) {
    frag.appendChild(el('div', { className: 'row me' + (p.failed ? ' failed' : ''), 'data-pending': id }, [
      el('div', { className: 'bubble', text: p.text || (p.fileName ? 'Sending ' + p.fileName : '') }),
      el('div', { className: 'meta' }, [
        document.createTextNode(p.failed ? 'Not sent: ' + p.failed : 'Sending…'),
        p.failed ? el('button', { className: 'retry', type: 'button', text: 'Retry', onclick: function () { p.failed = null; render(); deliver(id); } }) : null
      ])
    ]));
  });
  if (!list.length && !S.pending.size) frag.appendChild(el('p', { className: 'empty', text: 'Send us a message: we are happy to help.' }));
  if (S.conversation && (S.conversation.state === 'closed' || S.conversation.state === 'wrapup')) {
    frag.appendChild(el('div', { className: 'sep', text: 'This conversation has ended. Write again to start a new one.' }));
  }
  while (log.firstChild) log.removeChild(log.firstChild);
  log.appendChild(frag);
  if (atBottom || S.stick) { log.scrollTop = log.scrollHeight; S.stick = false; }
  typingEl.textContent = S.agentTyping ? S.agentTyping + ' is typing…' : '';
  badge.textContent = S.unread > 9 ? '9+' : String(S.unread);
  badge.hidden = S.open || S.unread === 0;
  launcher.setAttribute('aria-label', S.unread && !S.open ? 'Open chat (' + S.unread + ' unread)' : (S.open ? 'Close chat' : 'Open chat'));
}

function bubble(m) {
  var parts = [];
  var a = m.attachment;
  if (a) {
    var name = a.fileName || (a.kind === 'image' ? 'Image' : 'File');
    if (a.blobId && a.kind === 'image') {
      var img = el('img', { className: 'media', alt: name });
      withBlob(a.blobId, function (url) { img.src = url; });
      parts.push(img);
    } else if (a.blobId && (a.kind === 'video' || a.kind === 'audio')) {
      var media = el(a.kind, { className: 'media', controls: true, 'aria-label': name });
      withBlob(a.blobId, function (url) { media.src = url; });
      parts.push(media);
    } else if (a.blobId) {
      parts.push(el('button', { className: 'file', type: 'button', 'aria-label': 'Download ' + name, onclick: function () { download(a.blobId, name); } }, [icon(FILE_ICON), el('span', { text: name })]));
    } else {
      parts.push(document.createTextNode('[' + a.kind + ']'));
    }
  }
  if (m.text) {
    if (parts.length) parts.push(el('br'));
    linkify(m.text).forEach(function (n) { parts.push(n); });
  }
  return el('div', { className: 'bubble' + (a && a.blobId && !m.text && a.kind !== 'file' ? ' media-only' : '') }, parts);
}

// Text nodes, with http(s) addresses as links (built as elements: the text is never parsed as HTML).
var URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;
function linkify(text) {
  var out = [];
  var last = 0;
  text.replace(URL_RE, function (url, at) {
    if (at > last) out.push(document.createTextNode(text.slice(last, at)));
    out.push(el('a', { href: url, target: '_blank', rel: 'noopener noreferrer nofollow', text: url }));
    last = at + url.length;
    return url;
  });
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}

function withBlob(blobId, use) {
  var known = S.blobUrls.get(blobId);
  if (typeof known === 'string') { use(known); return; }
  if (known) { known.push(use); return; }
  var waiting = [use];
  S.blobUrls.set(blobId, waiting);
  request('GET', '/blobs/' + encodeURIComponent(blobId), undefined, { blob: true }).then(function (b) {
    var url = URL.createObjectURL(b);
    S.blobUrls.set(blobId, url);
    waiting.forEach(function (f) { f(url); });
  }, function () { S.blobUrls.delete(blobId); });
}

function download(blobId, name) {
  withBlob(blobId, function (url) {
    var a = el('a', { href: url, download: name });
    root.appendChild(a);
    a.click();
    root.removeChild(a);
  });
}

// ── sending ─────────────────────────────────────────────────────────────────────────────
function sendText(text) {
  if (!text.replace(/\s/g, '')) return;
  var id = uuid();
  S.pending.set(id, { text: text, tries: 0 });
  S.stick = true;
  render();
  deliver(id);
}

function deliver(id) {
  var p = S.pending.get(id);
  if (!p) return;
  p.tries++;
  var body = { clientMessageId: id };
  if (p.text) body.text = p.text;
  if (p.blobId) body.blobId = p.blobId;
  request('POST', '/messages', body).then(function (m) {
    S.pending.delete(id);
    upsert(m);
    if (!S.conversation || S.conversation.id !== m.conversationId) {
      S.conversation = { id: m.conversationId, state: 'open', agentName: null };
      updateSubtitle();
    }
    connect(false);
    render();
  }, function (err) {
    if (err.status === 429) { setTimeout(function () { deliver(id); }, Math.max(1, err.retryAfter) * 1000); return; }
    if (err.status === 401) { startSession().then(function () { deliver(id); }, function () { fail(id, 'please reload the page'); }); return; }
    if (!err.status && p.tries < 5) { setTimeout(function () { deliver(id); }, 1000 * p.tries); return; }
    fail(id, err.message || 'network error');
  });
}
function fail(id, why) {
  var p = S.pending.get(id);
  if (p) { p.failed = why; p.tries = 0; render(); }
}

function sendFile(file) {
  var id = uuid();
  S.pending.set(id, { fileName: file.name, tries: 0 });
  S.stick = true;
  render();
  request('POST', '/uploads?fileName=' + encodeURIComponent(file.name), file, { raw: true, contentType: file.type || 'application/octet-stream' })
    .then(function (blob) { var p = S.pending.get(id); if (p) { p.blobId = blob.id; deliver(id); } }, function (err) { fail(id, err.message); });
}

// ── typing ──────────────────────────────────────────────────────────────────────────────
function typing(on) {
  if (!S.token || !S.conversation) return;
  var now = Date.now();
  if (on && now - S.typingSentAt < 3000) return;
  S.typingSentAt = on ? now : 0;
  request('POST', '/typing', { isTyping: on }).catch(function () { /* best effort */ });
}

// ── receipts ────────────────────────────────────────────────────────────────────────────
function acknowledge() {
  var visible = S.open && document.visibilityState !== 'hidden';
  S.messages.forEach(function (m) {
    if (m.from === 'customer') return;
    var want = visible ? 'read' : 'delivered';
    var have = S.acked.get(m.id) || (rank(m.status) >= rank('read') ? 'read' : rank(m.status) >= rank('delivered') ? 'delivered' : null);
    if (have === 'read' || have === want) return;
    S.acked.set(m.id, want);
    S.receipts[want].add(m.id);
  });
  if (S.receiptTimer) return;
  S.receiptTimer = setTimeout(flushReceipts, 250);
}
function flushReceipts() {
  S.receiptTimer = null;
  ['delivered', 'read'].forEach(function (status) {
    var ids = Array.from(S.receipts[status]);
    S.receipts[status].clear();
    for (var i = 0; i < ids.length; i += 100) {
      request('POST', '/receipts', { messageIds: ids.slice(i, i + 100), status: status }).catch(function () { /* retried on the next change */ });
    }
  });
}

// ── WebSocket ───────────────────────────────────────────────────────────────────────────
function connect(force) {
  if (S.ws && !force) return;
  disconnect();
  var ws = new WebSocket(api.replace(/^http/, 'ws') + '/ws?token=' + encodeURIComponent(S.token));
  S.ws = ws;
  ws.onopen = function () {
    S.wsAttempt = 0;
    clearInterval(S.pingTimer);
    S.pingTimer = setInterval(function () { if (ws.readyState === 1) ws.send('{"type":"ping"}'); }, 25000);
  };
  ws.onmessage = function (ev) {
    var e;
    try { e = JSON.parse(ev.data); } catch (x) { return; }
    onEvent(e);
  };
  ws.onclose = function (ev) {
    clearInterval(S.pingTimer);
    if (S.ws !== ws) return;
    S.connected = false;
    var delay = Math.min(30000, 1000 * Math.pow(2, S.wsAttempt++)) * (0.75 + Math.random() / 2);
    updateSubtitle();
    S.wsTimer = setTimeout(function () {
      if (ev.code === 4401) startSession().catch(function () { connect(true); });
      else connect(true);
    }, delay);
  };
}

function disconnect() {
  clearTimeout(S.wsTimer);
  clearInterval(S.pingTimer);
  if (S.ws) { S.ws.onclose = null; try { S.ws.close(); } catch (e) { /* already closed */ } }
  S.ws = null;
  S.connected = false;
}

function catchUp() {
  var q = lastSeq();
  var path = '/messages' + (q.conversationId ? '?conversationId=' + encodeURIComponent(q.conversationId) + '&afterSeq=' + q.afterSeq : '');
  request('GET', path).then(function (h) {
    (h.messages || []).forEach(function (m) { noteArrival(m); upsert(m); });
    if (h.conversation) S.conversation = h.conversation;
    updateSubtitle();
    render();
    acknowledge();
  }, function () { /* the next reconnect tries again */ });
}

function noteArrival(m) {
  if (m.from !== 'customer' && !S.messages.has(m.id) && !S.open) S.unread++;
}

function onEvent(e) {
  if (e.type === 'hello') { S.connected = true; updateSubtitle(); catchUp(); return; }
  if (e.type === 'message') {
    noteArrival(e.message);
    upsert(e.message);
    if (e.message.from !== 'customer') S.agentTyping = null;
    if (!S.conversation || S.conversation.id !== e.message.conversationId) S.conversation = { id: e.message.conversationId, state: 'open', agentName: null };
    render();
    acknowledge();
  } else if (e.type === 'status') {
    var m = S.messages.get(e.messageId);
    if (m && rank(e.status) > rank(m.status)) { m.status = e.status; render(); }
  } else if (e.type === 'typing') {
    S.agentTyping = e.isTyping ? (e.agentName || 'Agent') : null;
    clearTimeout(S.agentTypingTimer);
    if (e.isTyping) S.agentTypingTimer = setTimeout(function () { S.agentTyping = null; render(); }, 8000);
    render();
  } else if (e.type === 'conversation') {
    if (!S.conversation || S.conversation.id === e.conversation.id || S.convOrder.indexOf(e.conversation.id) >= S.convOrder.indexOf(S.conversation.id)) {
      S.conversation = e.conversation;
    }
    updateSubtitle();
    render();
  }
}

// ── views, opening and closing ──────────────────────────────────────────────────────────
function showView() {
  var needForm = S.preChatNeeded && S.settings && S.settings.preChatFields.length > 0;
  prechat.hidden = !needForm;
  chat.hidden = needForm;
  if (needForm) buildPreChat();
}

function buildPreChat() {
  while (prechat.firstChild) prechat.removeChild(prechat.firstChild);
  var error = el('div', { className: 'error', role: 'alert' });
  prechat.appendChild(el('p', { text: 'Tell us a little about you and we will connect you with our team.' }));
  var controls = [];
  S.settings.preChatFields.forEach(function (f) {
    var id = 'sb-f-' + f.name;
    var control = f.type === 'textarea'
      ? el('textarea', { id: id, name: f.name, required: f.required, 'aria-required': f.required ? 'true' : null })
      : el('input', { id: id, name: f.name, type: f.type === 'email' ? 'email' : 'text', required: f.required, 'aria-required': f.required ? 'true' : null, autocomplete: f.type === 'email' ? 'email' : (f.name === 'name' ? 'name' : 'off') });
    control.value = S.preChat[f.name] || '';
    control.addEventListener('input', function () { error.textContent = ''; });
    controls.push(control);
    prechat.appendChild(el('label', { for: id }, [document.createTextNode(f.label + (f.required ? ' *' : '')), control]));
  });
  prechat.appendChild(error);
  prechat.appendChild(el('button', { className: 'start', type: 'submit', text: 'Start chat' }));
  prechat.onsubmit = function (ev) {
    ev.preventDefault();
    var answers = {};
    var missing = [];
    S.settings.preChatFields.forEach(function (f, i) {
      var v = controls[i].value.trim();
      if (v) answers[f.name] = v;
      else if (f.required) missing.push(f.label);
    });
    if (missing.length) { error.textContent = 'Please fill in: ' + missing.join(', '); focusFirstEmpty(controls); return; }
    error.textContent = '';
    startSession(answers).then(function () { if (S.open) focusInside(); }, function (err) { error.textContent = err.message; });
  };
}
function focusFirstEmpty(controls) {
  for (var i = 0; i < controls.length; i++) if (!controls[i].value.trim()) { controls[i].focus(); return; }
}

function focusInside() {
  if (!prechat.hidden) { var f = prechat.querySelector('input, textarea'); if (f) f.focus(); }
  else input.focus();
}

function setOpen(open) {
  S.open = open;
  panel.hidden = !open;
  launcher.setAttribute('aria-expanded', open ? 'true' : 'false');
  chatIcon.style.display = open ? 'none' : '';
  closeIcon.style.display = open ? '' : 'none';
  if (open) { S.unread = 0; S.stick = true; render(); focusInside(); acknowledge(); }
  else { render(); launcher.focus(); }
}

launcher.addEventListener('click', function () { setOpen(!S.open); });
closeBtn.addEventListener('click', function () { setOpen(false); });
panel.addEventListener('keydown', function (ev) { if (ev.key === 'Escape') { ev.stopPropagation(); setOpen(false); } });
composer.addEventListener('submit', function (ev) {
  ev.preventDefault();
  var text = input.value;
  input.value = '';
  input.style.height = '';
  clearTimeout(S.typingStopTimer);
  if (S.typingSentAt) typing(false);
  sendText(text);
  input.focus();
});
input.addEventListener('keydown', function (ev) {
  if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); composer.requestSubmit ? composer.requestSubmit() : sendBtn.click(); }
});
input.addEventListener('input', function () {
  input.style.height = 'auto';
  input.style.height = Math.min(120, input.scrollHeight) + 'px';
  if (!input.value) { clearTimeout(S.typingStopTimer); if (S.typingSentAt) typing(false); return; }
  typing(true);
  clearTimeout(S.typingStopTimer);
  S.typingStopTimer = setTimeout(function () { typing(false); }, 4000);
});
attachBtn.addEventListener('click', function () { fileInput.click(); });
fileInput.addEventListener('change', function () {
  var f = fileInput.files && fileInput.files[0];
  fileInput.value = '';
  if (f) sendFile(f);
});
document.addEventListener('visibilitychange', function () { if (S.open) acknowledge(); });

// ── public API: window.SwitchboardChat ─────────────────────────────────────────────────
var apiObject = {
  identify: function (customerToken) {
    S.customerToken = customerToken || null;
    return startSession();
  },
  logout: function () {
    S.customerToken = null;
    S.visitorId = uuid();
    return startSession();
  },
  open: function () { setOpen(true); },
  close: function () { setOpen(false); },
  // The same call shape as the queue a page may fill before the script loads.
  push: function (call) {
    if (call && typeof apiObject[call[0]] === 'function' && call[0] !== 'push') return apiObject[call[0]].apply(apiObject, call.slice(1));
  }
};
var queued = window.SwitchboardChat;
window.SwitchboardChat = apiObject;
var ready = null;
if (Array.isArray(queued)) {
  queued.forEach(function (call) {
    if (call && call[0] === 'identify') S.customerToken = call[1] || null;
  });
}
function firstSession(attempt) {
  return startSession().catch(function (err) {
    console.warn('Switchboard chat: ' + err.message);
    // A refused customer token: chat on as an anonymous visitor rather than not at all.
    if (err.status === 401 && S.customerToken) { S.customerToken = null; return firstSession(attempt); }
    // Network trouble or a restarting hub: try again; a refusal (403, 404) is final.
    if (!err.status || err.status >= 500) {
      return new Promise(function (resolve) { setTimeout(resolve, Math.min(60000, 2000 * Math.pow(2, attempt))); })
        .then(function () { return firstSession(attempt + 1); });
    }
  });
}
ready = firstSession(0);
if (Array.isArray(queued)) {
  queued.forEach(function (call) {
    if (call && call[0] !== 'identify') ready.then(function () { apiObject.push(call); });
  });
}
`;
