/**
 * The "play a WhatsApp customer" page served at / and /_emulator/ui: pick an account's number,
 * type your WhatsApp number and name, chat (text, image, location, quick-reply button, sandbox
 * join), and watch what the business sends with its status ticks. Static; all text goes through
 * textContent.
 */
import { customerPage } from '../shared/ui.js';

export const UI_HTML = customerPage({
  title: 'Twilio WhatsApp emulator',
  heading: 'Twilio WhatsApp emulator: play a customer',
  css: `
body{font-family:system-ui,sans-serif;margin:0;background:#f0f2f5;color:#222}
header{background:#075e54;color:#fff;padding:.6rem 1rem;font-weight:600}
main{max-width:44rem;margin:1rem auto;padding:0 1rem}
fieldset{border:1px solid #ccd;border-radius:6px;margin-bottom:.8rem;background:#fff}
input,select,button{font:inherit;padding:.3rem .5rem;margin:.15rem}
#log{background:#e5ddd5;border-radius:6px;padding:.6rem;height:26rem;overflow-y:auto}
.row{display:flex;margin:.3rem 0}.row.customer{justify-content:flex-end}
.bubble{max-width:75%;padding:.4rem .7rem;border-radius:10px;background:#fff;white-space:pre-wrap;word-break:break-word}
.customer .bubble{background:#dcf8c6}.meta{font-size:.7rem;color:#445;margin:0 .4rem;align-self:flex-end}
.failed{color:#b00020}.bubble img{max-width:14rem;display:block}.small{font-size:.75rem;color:#555}
#status{font-size:.8rem;color:#555;min-height:1.2em}
`,
  body: `
<fieldset><legend>Business number and customer</legend>
<select id="number"></select>
<input id="wa" placeholder="Your WhatsApp number, +15551234567" size="22">
<input id="name" placeholder="Profile name" maxlength="60">
<button id="start">Start chatting</button>
</fieldset>
<details><summary>Add an account or a number</summary><fieldset>
<input id="accSid" placeholder="Account SID (AC…)" size="36"><input id="accToken" placeholder="Auth token">
<button id="addAcc">Add account</button><br>
<input id="numNumber" placeholder="Number, +14155238886"><input id="numHook" placeholder="Webhook URL" size="30">
<input id="numStatus" placeholder="Status callback URL" size="30"><input id="numJoin" placeholder="Sandbox join code (optional)">
<button id="addNum">Add number to the account above</button></fieldset></details>
<div id="log"></div>
<fieldset><input id="text" placeholder="Message" style="width:60%"><button id="send">Send</button>
<input id="file" type="file" accept="image/*,video/*,audio/*,application/pdf"></fieldset>
<fieldset><legend class="small">More</legend>
<input id="lat" placeholder="Latitude" size="9"><input id="lng" placeholder="Longitude" size="9"><input id="label" placeholder="Label" size="12">
<button id="loc">Send location</button><br>
<input id="btnText" placeholder="Button text" size="14"><input id="btnPayload" placeholder="Button payload" size="14">
<button id="btn">Press quick-reply button</button><br>
<input id="join" placeholder="Sandbox join code" size="18"><button id="joinBtn">Join sandbox</button>
</fieldset>
`,
  state: `
let current = null; // { accountSid, number, waNumber }
`,
  script: `
const enc = encodeURIComponent;
async function loadNumbers() {
  const accounts = await api("GET", "/_emulator/accounts");
  const sel = $("number"); const keep = sel.value; sel.textContent = "";
  for (const a of accounts) for (const n of a.numbers) {
    const o = el("option", n.number + (n.sandbox ? " (sandbox)" : "") + " · " + a.accountSid.slice(0, 10) + "…" + (n.webhookUrl ? " → " + n.webhookUrl : " (no webhook)"));
    o.value = a.accountSid + "|" + n.number; sel.appendChild(o);
  }
  if (keep) sel.value = keep;
}
function customerPath(suffix) { return "/_emulator/accounts/" + enc(current.accountSid) + "/numbers/" + enc(current.number) + "/customers/" + enc(current.waNumber) + suffix; }
function mediaView(e) {
  const box = el("div");
  e.media.forEach((m) => {
    const src = "/_emulator/accounts/" + enc(current.accountSid) + "/messages/" + enc(e.sid) + "/media/" + m.index;
    if (m.contentType.startsWith("image/")) { const i = el("img"); i.src = src; i.alt = "image"; box.appendChild(i); }
    else { const a = el("a", "[" + m.contentType + "]"); a.href = src; a.target = "_blank"; box.appendChild(a); }
  });
  if (e.media.length === 0) for (const u of e.mediaUrls) box.appendChild(el("div", "[media " + u + "]", "small"));
  return box;
}
function bubbleOf(e) {
  const b = el("div", undefined, "bubble");
  const p = e.params || {};
  if (p.MessageType === "location") b.appendChild(el("span", "📍 " + (p.Label || "") + " " + (p.Address || "") + " (" + p.Latitude + ", " + p.Longitude + ")"));
  else if (p.MessageType === "button") b.appendChild(el("span", "🔘 " + p.ButtonText + " [" + p.ButtonPayload + "]"));
  else if (e.body) b.appendChild(el("span", e.body));
  if (p.OriginalRepliedMessageSid) b.appendChild(el("div", "↩ reply to " + p.OriginalRepliedMessageSid, "small"));
  if (e.renderedText) b.appendChild(el("div", "template", "small"));
  b.appendChild(mediaView(e));
  return b;
}
function metaOf(e) {
  if (e.from === "customer") { const d = e.delivery; return el("span", d ? (d.attempts ? "webhook " + d.status + (d.attempts > 1 ? " ×" + d.attempts : "") : "not delivered: " + (d.error || "")) : "sending…", "meta"); }
  if (e.status === "failed" || e.status === "undelivered") return el("span", e.status + " " + e.errorCode + ": " + e.errorMessage, "meta failed");
  const ticks = { queued: "🕓", sent: "✓", delivered: "✓✓", read: "✓✓ read" }[e.status] || e.status;
  return el("span", (e.via === "sandbox" ? "sandbox " : "") + ticks, "meta");
}
async function refresh() {
  if (!current) return;
  const conv = await api("GET", customerPath("/conversation"));
  const log = $("log"); const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 5; log.textContent = "";
  for (const e of conv.entries) {
    const row = el("div", undefined, "row " + e.from);
    if (e.from === "customer") { row.appendChild(metaOf(e)); row.appendChild(bubbleOf(e)); } else { row.appendChild(bubbleOf(e)); row.appendChild(metaOf(e)); }
    log.appendChild(row);
  }
  if (atBottom) log.scrollTop = log.scrollHeight;
}
async function post(body) {
  if (!current) { status("Pick a number, type your WhatsApp number and press Start."); return; }
  try { const d = await api("POST", customerPath("/messages"), body); status(d.attempts ? "Webhook answered " + d.status + " (" + d.messageSid + ")" : (d.error || "")); } catch (e) { status(String(e.message)); }
  refresh().catch(() => {});
}
$("start").onclick = async () => {
  const [accountSid, number] = ($("number").value || "|").split("|"); const waNumber = $("wa").value.trim(); const profileName = $("name").value.trim();
  if (!accountSid || !waNumber) { status("Pick a number and type your WhatsApp number (+ and digits)."); return; }
  try {
    await api("POST", "/_emulator/accounts/" + enc(accountSid) + "/numbers/" + enc(number) + "/customers", profileName ? { waNumber, profileName } : { waNumber });
    current = { accountSid, number, waNumber }; status("Chatting as " + (profileName || waNumber) + " with " + number); refresh();
  } catch (e) { status(String(e.message)); }
};
$("send").onclick = () => { const body = $("text").value; if (!body) return; $("text").value = ""; post({ type: "text", body }); };
$("text").onkeydown = (e) => { if (e.key === "Enter") $("send").onclick(); };
$("file").onchange = () => {
  const f = $("file").files[0]; if (!f) return;
  const r = new FileReader();
  r.onload = () => { const s = String(r.result); post({ type: "media", items: [{ dataBase64: s.slice(s.indexOf(",") + 1), contentType: f.type || "application/octet-stream" }], body: $("text").value }); $("file").value = ""; $("text").value = ""; };
  r.readAsDataURL(f);
};
$("loc").onclick = () => {
  const latitude = Number($("lat").value), longitude = Number($("lng").value);
  if (!$("lat").value || !$("lng").value || Number.isNaN(latitude) || Number.isNaN(longitude)) { status("Type a latitude and a longitude."); return; }
  const body = { type: "location", latitude, longitude }; if ($("label").value) body.label = $("label").value; post(body);
};
$("btn").onclick = () => { const text = $("btnText").value; if (!text) { status("Type the button text."); return; } post({ type: "button", text, payload: $("btnPayload").value || text }); };
$("joinBtn").onclick = () => { const code = $("join").value.trim(); if (!code) return; post({ type: "join", code }); };
$("addAcc").onclick = async () => {
  try { await api("POST", "/_emulator/accounts", { accountSid: $("accSid").value.trim(), authToken: $("accToken").value.trim() }); status("Account added."); } catch (e) { status(String(e.message)); }
};
$("addNum").onclick = async () => {
  const body = { accountSid: $("accSid").value.trim(), number: $("numNumber").value.trim() };
  if ($("numHook").value.trim()) body.webhookUrl = $("numHook").value.trim();
  if ($("numStatus").value.trim()) body.statusCallbackUrl = $("numStatus").value.trim();
  if ($("numJoin").value.trim()) body.sandbox = { joinCode: $("numJoin").value.trim() };
  try { await api("POST", "/_emulator/numbers", body); await loadNumbers(); $("number").value = body.accountSid + "|" + body.number; status("Number added."); } catch (e) { status(String(e.message)); }
};
`,
  load: 'loadNumbers',
});
