/**
 * The "play a Business Messages customer" page served at / and /_emulator/ui: pick an agent, type
 * a name, chat, send an image, tap suggestions, request a live agent, and watch what the business
 * sends (messages, typing, representatives joining, receipts). Static; all text goes through textContent.
 */
import { customerPage } from '../shared/ui.js';

export const UI_HTML = customerPage({
  title: 'Business Messages emulator',
  heading: "Google's Business Messages emulator: play a customer",
  css: `
body{font-family:system-ui,sans-serif;margin:0;background:#f1f3f4;color:#202124}
header{background:#1a73e8;color:#fff;padding:.6rem 1rem;font-weight:600}
main{max-width:44rem;margin:1rem auto;padding:0 1rem}
fieldset{border:1px solid #dadce0;border-radius:8px;margin-bottom:.8rem;background:#fff}
input,select,button{font:inherit;padding:.3rem .5rem;margin:.15rem}
#log{background:#fff;border:1px solid #dadce0;border-radius:8px;padding:.6rem;height:26rem;overflow-y:auto}
.row{display:flex;margin:.35rem 0;align-items:flex-end}.row.customer{justify-content:flex-end}
.bubble{max-width:75%;padding:.45rem .75rem;border-radius:16px;background:#f1f3f4;white-space:pre-wrap;word-break:break-word}
.customer .bubble{background:#1a73e8;color:#fff}.who{font-size:.7rem;color:#5f6368;margin-bottom:.1rem}
.meta{font-size:.7rem;color:#5f6368;margin:0 .4rem}.note{text-align:center;font-size:.75rem;color:#5f6368;margin:.3rem 0}
.bubble img{max-width:14rem;display:block;border-radius:8px}.card{border:1px solid #dadce0;border-radius:8px;padding:.4rem;margin:.2rem 0;background:#fff;color:#202124}
.chips button{border:1px solid #1a73e8;color:#1a73e8;background:#fff;border-radius:16px;font-size:.8rem}
#status{font-size:.8rem;color:#5f6368;min-height:1.2em}
`,
  body: `
<fieldset><legend>Agent and customer</legend>
<select id="agent"></select>
<input id="name" placeholder="Customer name" maxlength="100">
<button id="start">Start chatting</button>
<button id="live">Request a live agent</button>
</fieldset>
<details><summary>Add an agent</summary><fieldset>
<input id="aAgent" placeholder="Agent ID"><input id="aBrand" placeholder="Brand ID"><input id="aPartner" placeholder="Partner ID">
<input id="aToken" placeholder="Client token"><input id="aHook" placeholder="Webhook URL (verified by handshake)">
<button id="addAgent">Add</button></fieldset></details>
<div id="log"></div>
<fieldset><input id="text" placeholder="Message" style="width:60%"><button id="send">Send</button>
<input id="file" type="file" accept="image/*"></fieldset>
`,
  state: `
let current = null; // conversationId
let typing = false; let typingTimer = null; let shown = "";
`,
  script: `
async function loadAgents() {
  const list = await api("GET", "/_emulator/agents");
  const sel = $("agent"); const keep = sel.value; sel.textContent = "";
  for (const a of list) { const o = el("option", a.agentId + (a.webhookUrl ? " → " + a.webhookUrl : " (no webhook)")); o.value = a.agentId; sel.appendChild(o); }
  if (keep) sel.value = keep;
}
function delivered(d) { return d ? (d.attempts ? "webhook " + d.status + (d.attempts > 1 ? " ×" + d.attempts : "") : "not delivered: " + (d.error || "")) : "sending…"; }
function chips(list) {
  const box = el("div", undefined, "chips");
  for (const s of list || []) {
    const item = s.reply || s.action;
    if (item) { const b = el("button", item.text); b.onclick = () => post("/messages", { type: "suggestion", postbackData: item.postbackData, text: item.text }); box.appendChild(b); }
    else if (s.liveAgentRequest) { const b = el("button", "Chat with a live agent"); b.onclick = () => post("/status", { type: "liveAgent" }); box.appendChild(b); }
  }
  return box;
}
function card(c) {
  const box = el("div", undefined, "card");
  if (c.title) box.appendChild(el("strong", c.title));
  if (c.description) box.appendChild(el("div", c.description));
  if (c.media && c.media.contentInfo) box.appendChild(el("div", "[media " + (c.media.contentInfo.altText || c.media.contentInfo.fileUrl) + "]"));
  box.appendChild(chips(c.suggestions));
  return box;
}
function businessMessage(m) {
  const box = el("div");
  if (m.forceFallback) box.appendChild(el("span", m.fallback));
  else if (m.text !== undefined) box.appendChild(el("span", m.text));
  else if (m.image) { const i = el("img"); i.src = "/_emulator/media/" + encodeURIComponent(m.image.mediaId); i.alt = m.image.altText || "image"; box.appendChild(i); }
  else if (m.richCard) {
    const cards = m.richCard.standaloneCard ? [m.richCard.standaloneCard.cardContent] : (m.richCard.carouselCard ? m.richCard.carouselCard.cardContents : []);
    for (const c of cards || []) box.appendChild(card(c || {}));
  }
  box.appendChild(chips(m.suggestions));
  return box;
}
function customerContent(p) {
  if (p.message) { const t = p.message.text; if (/^https?:\\/\\/[^ ]*\\/business-messages-us\\//.test(t)) { const i = el("img"); i.src = t; i.alt = "image"; return i; } return el("span", t); }
  if (p.suggestionResponse) return el("span", p.suggestionResponse.text);
  return el("span", "");
}
async function refresh() {
  if (!current) return;
  const conv = await api("GET", "/_emulator/conversations/" + encodeURIComponent(current));
  const key = JSON.stringify([current, conv.conversation.businessTyping, conv.entries]);
  if (key === shown) return; // unchanged: keep the DOM, so a click in progress is not lost
  shown = key;
  const log = $("log"); const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 5; log.textContent = "";
  for (const e of conv.entries) {
    const p = e.payload;
    if (e.from === "customer" && (e.kind === "message" || e.kind === "suggestionResponse")) {
      const row = el("div", undefined, "row customer"); const bubble = el("div", undefined, "bubble");
      bubble.appendChild(customerContent(p)); row.appendChild(el("span", delivered(e.delivery), "meta")); row.appendChild(bubble); log.appendChild(row);
    } else if (e.from === "customer" && e.kind === "userStatus") {
      if (p.userStatus && p.userStatus.requestedLiveAgent) log.appendChild(el("div", "You asked for a live agent (" + delivered(e.delivery) + ")", "note"));
    } else if (e.from === "business" && e.kind === "message") {
      const row = el("div", undefined, "row business"); const col = el("div");
      const rep = p.representative || {};
      col.appendChild(el("div", (rep.displayName || (rep.representativeType === "HUMAN" ? "Agent" : "Bot")) + " · " + (p.receiptsSent.length ? p.receiptsSent.join(", ").toLowerCase() : "sent"), "who"));
      const bubble = el("div", undefined, "bubble"); bubble.appendChild(businessMessage(p)); col.appendChild(bubble); row.appendChild(col); log.appendChild(row);
    } else if (e.from === "business" && e.kind === "event" && (p.eventType === "REPRESENTATIVE_JOINED" || p.eventType === "REPRESENTATIVE_LEFT")) {
      const who = (p.representative && p.representative.displayName) || "An agent";
      log.appendChild(el("div", who + (p.eventType === "REPRESENTATIVE_JOINED" ? " joined the conversation" : " left the conversation"), "note"));
    } else if (e.from === "business" && e.kind === "receipts") {
      log.appendChild(el("div", "Read by the business", "note"));
    } else if (e.from === "business" && e.kind === "survey") {
      log.appendChild(el("div", "The business sent a satisfaction survey", "note"));
    }
  }
  if (conv.conversation.businessTyping) log.appendChild(el("div", "typing…", "note"));
  if (atBottom) log.scrollTop = log.scrollHeight;
}
async function post(suffix, body) {
  if (!current) { status("Pick an agent and a name first."); return; }
  try { const d = await api("POST", "/_emulator/conversations/" + encodeURIComponent(current) + suffix, body); status(d.attempts ? "Webhook answered " + d.status : (d.error || "")); } catch (e) { status(String(e.message)); }
  refresh().catch(() => {});
}
function setTyping(on) {
  if (!current || typing === on) return;
  typing = on; api("POST", "/_emulator/conversations/" + encodeURIComponent(current) + "/status", { type: "typing", isTyping: on }).catch(() => {});
}
$("start").onclick = async () => {
  const agentId = $("agent").value; const displayName = $("name").value.trim();
  if (!agentId || !displayName) { status("Pick an agent and type a name."); return; }
  try { const c = await api("POST", "/_emulator/agents/" + encodeURIComponent(agentId) + "/customers", { displayName }); current = c.conversationId; status("Chatting as " + displayName + " (conversation " + current + ")"); refresh(); } catch (e) { status(String(e.message)); }
};
$("send").onclick = () => { const text = $("text").value; if (!text) return; $("text").value = ""; clearTimeout(typingTimer); setTyping(false); post("/messages", { type: "text", text }); };
$("text").onkeydown = (e) => { if (e.key === "Enter") { $("send").onclick(); return; } setTyping(true); clearTimeout(typingTimer); typingTimer = setTimeout(() => setTyping(false), 3000); };
$("live").onclick = () => post("/status", { type: "liveAgent" });
$("file").onchange = () => {
  const f = $("file").files[0]; if (!f) return;
  const r = new FileReader();
  r.onload = () => { const s = String(r.result); post("/messages", { type: "image", dataBase64: s.slice(s.indexOf(",") + 1), contentType: f.type || "image/jpeg" }); $("file").value = ""; };
  r.readAsDataURL(f);
};
$("addAgent").onclick = async () => {
  const body = { agentId: $("aAgent").value.trim(), brandId: $("aBrand").value.trim(), partnerId: $("aPartner").value.trim(), clientToken: $("aToken").value.trim() };
  const hook = $("aHook").value.trim();
  try {
    await api("POST", "/_emulator/agents", body);
    let note = "Agent added.";
    if (hook) { const v = await api("PUT", "/_emulator/agents/" + encodeURIComponent(body.agentId) + "/webhook", { url: hook }); note += v.verified ? " Webhook verified." : " Webhook NOT verified (status " + v.status + ")."; }
    await loadAgents(); $("agent").value = body.agentId; status(note);
  } catch (e) { status(String(e.message)); }
};
`,
  load: 'loadAgents',
});
