/**
 * The widget's stylesheet, applied inside its Shadow DOM (a constructed stylesheet where the
 * browser has them, so a site's strict style-src CSP does not block it; a <style> otherwise).
 * The site's CSS cannot reach in; `:host { all: initial !important }` (important declarations of the
 * shadow tree win over the page's) stops inherited fonts and colours and page rules on the host.
 */
export const WIDGET_CSS = String.raw`
:host { all: initial !important; }
* { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
button { font: inherit; }
[hidden] { display: none !important; }
.launcher { position: fixed; right: 20px; bottom: 20px; width: 56px; height: 56px; border-radius: 50%; border: 0;
  background: var(--sb-accent); color: #fff; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25);
  display: flex; align-items: center; justify-content: center; z-index: 2147483000; padding: 0; }
.launcher svg { width: 26px; height: 26px; fill: currentColor; }
svg { fill: currentColor; }
.launcher:focus-visible { outline: 3px solid #111827; outline-offset: 3px; }
.badge { position: absolute; top: -2px; right: -2px; min-width: 20px; height: 20px; border-radius: 10px; background: #dc2626;
  color: #fff; font-size: 12px; line-height: 20px; text-align: center; padding: 0 5px; font-weight: 600; }
.badge[hidden] { display: none; }
.panel { position: fixed; right: 20px; bottom: 88px; width: 370px; max-width: calc(100vw - 24px); height: 560px;
  max-height: calc(100vh - 110px); background: #fff; border-radius: 14px; box-shadow: 0 12px 40px rgba(0,0,0,.28);
  display: flex; flex-direction: column; overflow: hidden; z-index: 2147483000; color: #111827; font-size: 14px; line-height: 1.4; }
.panel[hidden] { display: none; }
.head { background: var(--sb-accent); color: #fff; padding: 12px 10px 12px 16px; display: flex; align-items: center; gap: 8px; }
.head .titles { flex: 1; min-width: 0; }
.head h2 { margin: 0; font-size: 16px; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.head .sub { font-size: 12px; opacity: .92; min-height: 16px; }
.close { background: transparent; border: 0; color: #fff; cursor: pointer; width: 36px; height: 36px; border-radius: 8px;
  display: flex; align-items: center; justify-content: center; padding: 0; }
.close svg { width: 22px; height: 22px; }
.close:hover { background: rgba(255,255,255,.15); }
button:focus-visible, input:focus-visible { outline: 2px solid #111827; outline-offset: 2px; }
textarea:focus, input:focus { outline: 2px solid var(--sb-accent); outline-offset: 0; border-color: transparent; }
.head .close:focus-visible { outline-color: #fff; }
.notice { font-size: 12px; padding: 6px 12px; background: #fef3c7; color: #92400e; }
.notice[hidden] { display: none; }
.log { flex: 1; overflow-y: auto; padding: 12px; background: #f9fafb; display: flex; flex-direction: column; gap: 6px; }
.empty { margin: auto; color: #6b7280; text-align: center; font-size: 13px; padding: 0 24px; }
.row { display: flex; flex-direction: column; max-width: 82%; }
.row.me { align-self: flex-end; align-items: flex-end; }
.row.them { align-self: flex-start; align-items: flex-start; }
.row.cont { margin-top: -3px; }
.row.note { align-self: center; align-items: center; max-width: 90%; margin: 4px 0; }
.note .bubble { background: #eef2f7; color: #374151; font-size: 12px; padding: 5px 12px; border-radius: 12px; text-align: center; }
.name { font-size: 12px; color: #4b5563; margin: 6px 0 2px 4px; font-weight: 600; }
.bubble { padding: 8px 12px; border-radius: 16px; white-space: pre-wrap; overflow-wrap: anywhere; }
.me .bubble { background: var(--sb-accent); color: #fff; border-bottom-right-radius: 4px; }
.them .bubble { background: #fff; border: 1px solid #e5e7eb; border-bottom-left-radius: 4px; }
.bubble a { color: inherit; text-decoration: underline; }
.meta { font-size: 11px; color: #6b7280; margin: 2px 4px 0; }
.failed .meta { color: #b91c1c; }
.retry { background: none; border: 0; color: #b91c1c; text-decoration: underline; cursor: pointer; font-size: 11px; padding: 0 0 0 4px; }
.sep { align-self: center; font-size: 12px; color: #6b7280; margin: 8px 0; text-align: center; }
.typing { font-size: 12px; color: #6b7280; padding: 2px 14px; min-height: 20px; background: #f9fafb; font-style: italic; }
.composer { display: flex; gap: 6px; border-top: 1px solid #e5e7eb; padding: 8px; align-items: flex-end; background: #fff; }
.composer textarea { flex: 1; resize: none; border: 1px solid #d1d5db; border-radius: 10px; padding: 8px 10px; font-size: 14px;
  max-height: 120px; min-height: 38px; height: 38px; font-family: inherit; color: #111827; background: #fff; }
.send, .attach { border: 0; border-radius: 10px; height: 38px; min-width: 38px; cursor: pointer; }
.send { background: var(--sb-accent); color: #fff; padding: 0 14px; font-weight: 600; }
.send:disabled { opacity: .5; cursor: default; }
.attach { background: #f3f4f6; color: #374151; display: flex; align-items: center; justify-content: center; padding: 0; }
.attach svg { width: 20px; height: 20px; }
.attach:hover { background: #e5e7eb; }
.attach[hidden] { display: none; }
.prechat { flex: 1; overflow-y: auto; padding: 16px; display: flex; flex-direction: column; gap: 12px; }
.prechat[hidden], .chat[hidden] { display: none; }
.prechat p { margin: 0; color: #374151; }
.prechat label { display: flex; flex-direction: column; gap: 4px; font-size: 13px; color: #374151; font-weight: 600; }
.prechat input, .prechat textarea { border: 1px solid #d1d5db; border-radius: 8px; padding: 8px; font-size: 14px; font-weight: 400;
  font-family: inherit; color: #111827; background: #fff; }
.prechat textarea { min-height: 72px; resize: vertical; }
.prechat .error { color: #b91c1c; font-size: 13px; min-height: 1em; }
.prechat .start { background: var(--sb-accent); color: #fff; border: 0; border-radius: 8px; padding: 10px; font-weight: 600; cursor: pointer; }
.chat { flex: 1; display: flex; flex-direction: column; min-height: 0; }
.media { max-width: 220px; max-height: 220px; border-radius: 10px; display: block; }
.bubble.media-only { padding: 4px; }
.file { background: transparent; border: 0; color: inherit; text-decoration: underline; cursor: pointer; padding: 0; text-align: left;
  display: inline-flex; align-items: center; gap: 4px; }
.file svg { width: 16px; height: 16px; flex: none; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 480px) {
  .panel { right: 0; bottom: 0; width: 100vw; max-width: 100vw; height: 100%; max-height: 100%; border-radius: 0; }
  /* Full screen: the panel's own close button takes over from the launcher. */
  .launcher[aria-expanded="true"] { display: none; }
  .composer textarea, .prechat input, .prechat textarea { font-size: 16px; }
}
`;
