/**
 * The "play a LINE customer" page served at / and /_emulator/ui: pick a channel, type a name,
 * chat, and watch what the bot sends. Static; all user and bot text goes through textContent.
 */
import { customerPage } from '../shared/ui.js';

export const UI_HTML = customerPage({
  title: 'LINE emulator',
  heading: 'LINE Messaging API emulator: play a customer',
  css: `
body{font-family:system-ui,sans-serif;margin:0;background:#f2f4f7;color:#222}
header{background:#06c755;color:#fff;padding:.6rem 1rem;font-weight:600}
main{max-width:42rem;margin:1rem auto;padding:0 1rem}
fieldset{border:1px solid #ccd;border-radius:6px;margin-bottom:.8rem;background:#fff}
input,select,button{font:inherit;padding:.3rem .5rem;margin:.15rem}
#log{background:#8cabd9;border-radius:6px;padding:.6rem;height:26rem;overflow-y:auto}
.row{display:flex;margin:.3rem 0}.row.customer{justify-content:flex-end}
.bubble{max-width:75%;padding:.4rem .7rem;border-radius:14px;background:#fff;white-space:pre-wrap;word-break:break-word}
.customer .bubble{background:#9de693}.meta{font-size:.7rem;color:#334;margin:0 .4rem;align-self:flex-end}
.bubble img{max-width:14rem;display:block}pre{margin:0;font-size:.75rem}
#status{font-size:.8rem;color:#555;min-height:1.2em}
`,
  body: `
<fieldset><legend>Channel and customer</legend>
<select id="channel"></select>
<input id="name" placeholder="Customer name" maxlength="20">
<button id="start">Start chatting</button>
<button id="follow">Follow</button><button id="unfollow">Block</button>
</fieldset>
<details><summary>Add a channel</summary><fieldset>
<input id="chId" placeholder="Channel ID"><input id="chSecret" placeholder="Channel secret">
<input id="chToken" placeholder="Channel access token"><input id="chHook" placeholder="Webhook URL">
<button id="addCh">Add</button></fieldset></details>
<div id="log"></div>
<fieldset><input id="text" placeholder="Message" style="width:60%"><button id="send">Send</button>
<input id="file" type="file" accept="image/*"></fieldset>
`,
  state: `
let current = null; // { channelId, userId }
`,
  script: `
async function loadChannels() {
  const list = await api("GET", "/_emulator/channels");
  const sel = $("channel"); const keep = sel.value; sel.textContent = "";
  for (const ch of list) { const o = el("option", ch.channelId + (ch.webhookUrl ? " → " + ch.webhookUrl : " (no webhook)")); o.value = ch.channelId; sel.appendChild(o); }
  if (keep) sel.value = keep;
}
function describe(m) {
  if (m.type === "text" || m.type === "textV2") return el("span", m.text);
  if (m.type === "image" && /^https?:/.test(m.originalContentUrl || "")) { const i = el("img"); i.src = m.previewImageUrl || m.originalContentUrl; i.alt = "image"; return i; }
  if (m.type === "sticker") return el("span", "[sticker " + m.packageId + "/" + m.stickerId + "]");
  if (m.type === "location") return el("span", "📍 " + (m.title || "") + " " + (m.address || "") + " (" + m.latitude + ", " + m.longitude + ")");
  if (m.altText) return el("span", "[" + m.type + "] " + m.altText);
  return el("pre", JSON.stringify(m, null, 1));
}
function customerView(entry) {
  const ev = entry.message;
  if (ev.type !== "message") return el("span", "[" + ev.type + (ev.postback ? " " + ev.postback.data : "") + "]");
  const m = ev.message;
  if (m.type === "image") { const i = el("img"); i.src = "/_emulator/channels/" + encodeURIComponent(current.channelId) + "/content/" + encodeURIComponent(m.id); i.alt = "image"; return i; }
  return describe(m);
}
async function refresh() {
  if (!current) return;
  const conv = await api("GET", "/_emulator/channels/" + encodeURIComponent(current.channelId) + "/customers/" + encodeURIComponent(current.userId) + "/conversation");
  const log = $("log"); const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 5; log.textContent = "";
  for (const e of conv.entries) {
    const row = el("div", undefined, "row " + e.from); const bubble = el("div", undefined, "bubble");
    bubble.appendChild(e.from === "customer" ? customerView(e) : describe(e.message));
    const d = e.delivery; const meta = el("span", e.from === "bot" ? e.via : d ? (d.attempts ? "webhook " + d.status + (d.attempts > 1 ? " ×" + d.attempts : "") : "not delivered: " + (d.error || "")) : "sending…", "meta");
    if (e.from === "customer") { row.appendChild(meta); row.appendChild(bubble); } else { row.appendChild(bubble); row.appendChild(meta); }
    log.appendChild(row);
  }
  if (conv.customer.loading) log.appendChild(el("div", "bot is typing…", "meta"));
  if (atBottom) log.scrollTop = log.scrollHeight;
}
function customerPath(suffix) { return "/_emulator/channels/" + encodeURIComponent(current.channelId) + "/customers/" + encodeURIComponent(current.userId) + suffix; }
async function post(suffix, body) {
  if (!current) { status("Pick a channel and a name first."); return; }
  try { const d = await api("POST", customerPath(suffix), body); status(d.attempts ? "Webhook answered " + d.status : (d.error || "")); } catch (e) { status(String(e.message)); }
  refresh().catch(() => {});
}
$("start").onclick = async () => {
  const channelId = $("channel").value; const displayName = $("name").value.trim();
  if (!channelId || !displayName) { status("Pick a channel and type a name."); return; }
  try { const c = await api("POST", "/_emulator/channels/" + encodeURIComponent(channelId) + "/customers", { displayName }); current = { channelId, userId: c.userId }; status("Chatting as " + displayName + " (" + c.userId + ")"); refresh(); } catch (e) { status(String(e.message)); }
};
$("send").onclick = () => { const text = $("text").value; if (!text) return; $("text").value = ""; post("/messages", { type: "text", text }); };
$("text").onkeydown = (e) => { if (e.key === "Enter") $("send").onclick(); };
$("follow").onclick = () => post("/events", { type: "follow" });
$("unfollow").onclick = () => post("/events", { type: "unfollow" });
$("file").onchange = () => {
  const f = $("file").files[0]; if (!f) return;
  const r = new FileReader();
  r.onload = () => { const s = String(r.result); post("/messages", { type: "image", dataBase64: s.slice(s.indexOf(",") + 1), contentType: f.type || "image/jpeg" }); $("file").value = ""; };
  r.readAsDataURL(f);
};
$("addCh").onclick = async () => {
  const body = { channelId: $("chId").value.trim(), channelSecret: $("chSecret").value.trim(), channelAccessToken: $("chToken").value.trim() };
  if ($("chHook").value.trim()) body.webhookUrl = $("chHook").value.trim();
  try { await api("POST", "/_emulator/channels", body); await loadChannels(); $("channel").value = body.channelId; status("Channel added."); } catch (e) { status(String(e.message)); }
};
`,
  load: 'loadChannels',
});
