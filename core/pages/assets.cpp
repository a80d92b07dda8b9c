#include "core/pages/assets.hpp"

#include "core/pages/versioned_href.hpp"

#include <cstddef>
#include <cstdint>

namespace paylinks::pages {

namespace {

// Written for page_csp(): nothing inline, so every style and behaviour lives here. Keep both
// small (they ship inside the worker bundle): plain CSS and dependency-free ES2020.

constexpr std::string_view kCss =
    R"css(:root{color-scheme:light dark;--bg:#f2f4f7;--card:#fff;--fg:#101828;--mu:#475467;--line:#d0d5dd;--ctl:#848d9c;--soft:#f2f4f7;--link:#1849a9;--ac:#1849a9;--in:#1e3a8a;--inb:#e0eaff;--ok:#05603a;--okb:#dcfae6;--wa:#7a2e0e;--wab:#fef0c7;--er:#912018;--erb:#fee4e2}
@media (prefers-color-scheme:dark){:root{--bg:#0c111d;--card:#161b26;--fg:#f5f5f6;--mu:#a4acb9;--line:#333741;--ctl:#6b7384;--soft:#1f242f;--link:#84adff;--ac:#2e62d9;--in:#d1e0ff;--inb:#1d2b57;--ok:#a6f4c5;--okb:#053321;--wa:#fedf89;--wab:#4e1d09;--er:#fecdca;--erb:#55160c}}
*,::before,::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;min-height:100vh;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
[hidden]{display:none!important}
a{color:var(--link);text-underline-offset:.15em}
:focus-visible{outline:3px solid var(--link);outline-offset:2px;border-radius:.25rem}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
.banner{margin:0;padding:.5rem 1rem;background:#fedf89;color:#4e1d09;text-align:center;font-size:.875rem;font-weight:700}
.wrap{max-width:52rem;margin:0 auto;padding:1rem .75rem 2rem}
.narrow{max-width:32rem;padding-top:10vh}
.card{background:var(--card);border:1px solid var(--line);border-radius:1rem;padding:1.25rem;box-shadow:0 4px 16px rgb(16 24 40/.08)}
h1{margin:0;font-size:1.375rem;line-height:1.3;overflow-wrap:anywhere}
.desc{margin:.375rem 0 0;color:var(--mu);white-space:pre-line;overflow-wrap:anywhere}
.price{margin:.75rem 0 0;font-size:1.75rem;font-weight:700;line-height:1.2;overflow-wrap:anywhere}
.label{margin:0 0 .25rem;color:var(--mu);font-size:.8125rem;font-weight:600;letter-spacing:.04em;text-transform:uppercase}
.status{display:flex;gap:.75rem;margin:1.25rem 0 0;padding:.875rem 1rem;border-radius:.75rem;background:var(--inb);color:var(--in)}
.status::before{content:"";flex:none;width:.625rem;height:.625rem;margin-top:.45rem;border-radius:50%;background:currentColor}
[data-status=open] .status::before,[data-status=detected] .status::before{animation:pulse 1.6s ease-in-out infinite}
@keyframes pulse{50%{opacity:.25}}
[data-status=paid] .status,[data-status=overpaid] .status,[data-status=paid_late] .status{background:var(--okb);color:var(--ok)}
[data-status=underpaid] .status{background:var(--wab);color:var(--wa)}
[data-status=expired] .status{background:var(--erb);color:var(--er)}
.status p{margin:0;overflow-wrap:anywhere}
.st-title{font-weight:700}
.status .btn{margin-top:.75rem}
.timer,.note{margin:.75rem 0 0;color:var(--mu);font-size:.9375rem}
.num{font-variant-numeric:tabular-nums}
#countdown{color:var(--fg);font-weight:700}
.pay{display:grid;gap:1.25rem;margin-top:1.5rem;padding-top:1.5rem;border-top:1px solid var(--line)}
.row{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem .75rem}
.amount{margin:0;font-size:1.5rem;font-weight:700;line-height:1.3;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
.facts{margin:0}
.facts>div{padding:.625rem 0;border-top:1px solid var(--line)}
dt{color:var(--mu);font-size:.8125rem}
dd{margin:.125rem 0 0;overflow-wrap:anywhere}
.addr{display:block;max-width:17.5em;margin:.125rem 0 .5rem;font-size:1.0625rem;line-height:1.7}
.grp span{display:inline-block;margin-right:.35em}
.small{color:var(--mu);font-size:.8125rem;overflow-wrap:anywhere}
.warn{margin:1rem 0 0;padding:.75rem 1rem;border-radius:.5rem;background:var(--soft);color:var(--mu);font-size:.875rem}
.qr-box{display:flex;flex-direction:column;gap:.75rem}
.qr{width:100%;max-width:15rem;margin:0 auto;padding:.25rem;border:1px solid var(--line);border-radius:.75rem;background:#fff;line-height:0}
.qr svg{display:block;width:100%;height:auto}
.qr-note{margin:0;padding:.75rem 1rem;border-radius:.5rem;background:var(--wab);color:var(--wa);font-size:.875rem}
.btn{display:inline-flex;align-items:center;justify-content:center;min-height:2.75rem;padding:.625rem 1.25rem;border-radius:.625rem;background:var(--ac);color:#fff;font-weight:700;text-align:center;text-decoration:none}
.btn:hover{filter:brightness(1.12)}
.copy{min-height:2.25rem;padding:.375rem .875rem;border:1px solid var(--ctl);border-radius:.5rem;background:var(--soft);color:var(--fg);font:inherit;font-size:.875rem;font-weight:600;cursor:pointer}
.copy:hover{border-color:var(--fg)}
.copy.ok{border-color:var(--ok);background:var(--okb);color:var(--ok)}
.received{margin-top:1.5rem;padding-top:1.5rem;border-top:1px solid var(--line)}
.received p{margin:0}
.payments{margin:.5rem 0 0;padding:0;list-style:none}
.payments li{display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:.5rem 0;border-top:1px solid var(--line);font-size:.9375rem}
.payments li>:last-child{color:var(--mu)}
.cancel{display:inline-block;margin-top:1.5rem}
.go{margin:1.5rem 0 0}
.foot{margin:1rem 0 0;color:var(--mu);font-size:.8125rem;text-align:center;overflow-wrap:anywhere}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.offscreen{position:fixed;top:0;left:-9999px}
@media (min-width:40rem){.wrap{padding:2.5rem 1.5rem}.card{padding:2rem}h1{font-size:1.625rem}.price{font-size:2rem}}
@media (min-width:46rem){.pay{grid-template:"a q" auto "f q" 1fr/minmax(0,1fr) 15rem;gap:1rem 2rem}.pay-amt{grid-area:a}.qr-box{grid-area:q}.pay-facts{grid-area:f}}
@media (prefers-reduced-motion:reduce){*,::before,::after{animation:none!important;transition:none!important}}
)css";

constexpr std::string_view kJs =
    // Checkout page enhancements: countdown, live status, copy buttons, redirect once paid.
    // No inline code (CSP); polled text reaches the page only through textContent.
    R"js((() => {
'use strict';
const root = document.getElementById('checkout');
if (!root || typeof BigInt != 'function') return;
const d = root.dataset, $ = (id) => document.getElementById(id);
const WON = ['paid', 'overpaid', 'paid_late'], DEC = /^\d+(\.\d+)?$/;
const sym = d.symbol, net = d.network;
const httpUrl = (u) => { try { u = new URL(u); return /^https?:$/.test(u.protocol) ? u.href : ''; } catch (e) { return ''; } };
const explorer = httpUrl(d.explorerTxUrl || '');
let successUrl = httpUrl(d.successUrl || ''), expiresAt = +d.expiresAt;
const st = { status: d.status, due: d.amountDue, got: d.amountReceived, req: +d.confirmationsRequired || 1, pays: null };
const t0 = performance.now(), now0 = +d.now || Date.now();
const now = () => now0 + performance.now() - t0;
const left = () => Math.max(0, Math.ceil((expiresAt - now()) / 1000));
)js"
    // Exact decimals ("150.000000") through BigInt.
    R"js(const scale = (s) => { const i = s.indexOf('.'); return i < 0 ? 0 : s.length - i - 1; };
const units = (s, k) => { const p = s.split('.'); return BigInt(p[0] + (p[1] || '').padEnd(k, '0')); };
const diff = (a, b) => { // a − b if positive, else ''
  if (!DEC.test(a) || !DEC.test(b)) return '';
  const k = Math.max(scale(a), scale(b)), v = units(a, k) - units(b, k);
  if (v <= BigInt(0)) return '';
  const s = ('' + v).padStart(k + 1, '0');
  return k ? s.slice(0, -k) + '.' + s.slice(-k) : s;
};
)js"
    // The payment URI for `amount` instead of the amount due (if its uint256 is that), else ''.
    R"js(const wallet = $('wallet'), uri = wallet ? wallet.dataset.uri : '';
const uriFor = (amount) => {
  const m = /([?&]uint256=)(\d+)/.exec(uri), k = scale(st.due);
  if (!m || scale(amount) > k || BigInt(m[2]) !== units(st.due, k)) return '';
  return uri.slice(0, m.index) + m[1] + units(amount, k) + uri.slice(m.index + m[0].length);
};
)js"
    // Same wording as status_message() in core/pages/checkout_page.cpp.
    R"js(const plural = (n, w) => `${n} ${w}${n == 1 ? '' : 's'}`;
function message(s) {
  const due = `${st.due} ${sym}`, got = `${st.got} ${sym}`, rem = diff(st.due, st.got);
  switch (s) {
    case 'open': return ['Awaiting payment', `Send exactly ${due} on ${net}. This page updates when it arrives.`];
    case 'detected': {
      let k = -1; // confirmations of the least-confirmed unconfirmed payment
      for (const p of st.pays || []) if (!p.confirmed && Number.isInteger(p.confirmations)) k = k < 0 ? p.confirmations : Math.min(k, p.confirmations);
      return [`Payment detected — waiting for ${plural(st.req, 'confirmation')}`,
        (k < 0 ? '' : `${Math.min(Math.max(k, 0), st.req)} of ${st.req} so far. `) + 'Keep this page open.'];
    }
    case 'underpaid': return rem
      ? [`Received ${st.got} of ${due} — send the remaining ${rem} ${sym}`, `Send it to the same address on ${net} before the time runs out.`]
      : [`Received ${st.got} of ${due}`, `Send the rest to the same address on ${net} before the time runs out.`];
    case 'paid': return ['Payment received', `Thank you — ${got} confirmed on ${net}.`];
    case 'overpaid': return ['Payment received', `You sent ${got}, ${diff(st.got, st.due) || '?'} ${sym} more than due. Contact the merchant about the difference.`];
    case 'paid_late': return ['Payment received', 'It arrived after the time limit and was accepted. Thank you.'];
    case 'expired': return ['This checkout has expired', 'Do not send a payment to this address. If you already sent one, keep this page open or contact the merchant.'];
    case 'reorged': return ['Your payment is no longer on the chain', `A reorganisation of ${net} removed it. Pay again or contact the merchant.`];
  }
  return ['Status: ' + s, ''];
}

const text = (id, t) => { const e = $(id); if (e && e.textContent !== t) e.textContent = t; };
const show = (id, on) => { const e = typeof id == 'string' ? $(id) : id; if (e) e.hidden = !on; };
const announce = (t) => { const e = $('live'); if (e) { e.textContent = ''; setTimeout(() => { e.textContent = t; }, 50); } };
const el = (tag, t, cls) => { const e = document.createElement(tag); e.textContent = t; if (cls) e.className = cls; return e; };

let shownPays = '', leaving = false;
function renderPayments() {
  const list = $('payments'), key = JSON.stringify(st.pays);
  if (!list || !st.pays || key === shownPays) return;
  shownPays = key;
  list.textContent = '';
  for (const p of st.pays) {
    const h = typeof p.transactionHash == 'string' ? p.transactionHash : '';
    const short = h.length > 18 ? h.slice(0, 10) + '…' + h.slice(-8) : h;
    const c = Number.isInteger(p.confirmations) ? Math.max(0, Math.min(p.confirmations, st.req)) : 0;
    const link = explorer && /^0x[0-9a-fA-F]{64}$/.test(h), tx = el(link ? 'a' : 'span', short, 'mono');
    if (link) Object.assign(tx, { href: explorer + h, target: '_blank', rel: 'noopener noreferrer', title: h });
    const li = document.createElement('li');
    li.append(tx, el('span', `${DEC.test(p.amount) ? p.amount : '?'} ${sym}`, 'num'), el('span', p.confirmed ? 'Confirmed' : `${c} of ${st.req} confirmations`));
    list.append(li);
  }
}

function render() {
)js"
    // Once the countdown is over an open session can no longer be paid in time: show it
    // expired until the server says so itself.
    R"js(  const s = /^(open|underpaid)$/.test(st.status) && !left() ? 'expired' : st.status;
  const won = WON.includes(s), over = s == 'expired', m = message(s);
  const rem = s == 'underpaid' ? diff(st.due, st.got) : '', amount = rem || st.due;
  root.dataset.status = s;
  text('st-title', m[0]);
  text('st-detail', m[1] + (won && successUrl ? ' Returning you to the merchant…' : ''));
  const done = $('done-link');
  if (done && successUrl) done.href = successUrl;
  show(done, won && successUrl);
  show('pay', !won && !over);
  show('timer', !won);
  show('timer-left', !over);
  text('timer-verb', over ? 'Expired' : 'Expires');
  show('cancel', !won);
  text('cancel-link', over ? 'Return to the merchant' : 'Cancel and return to the merchant');
  text('pay-h', rem ? 'Send the remaining' : 'Send exactly');
  text('amount-due', amount);
  if ($('copy-amount')) $('copy-amount').dataset.copy = amount;
  if (wallet) {
    const href = rem ? uriFor(rem) : uri;
    if (href) wallet.href = href;
    show(wallet, href);
  }
  const qrOk = !rem || rem == d.qrAmount;
  if (!qrOk && !leaving) location.reload((leaving = true));
  show('qr', qrOk);
  show('qr-note', !qrOk);
  text('qr-rem', `${rem} ${sym}`);
  text('amount-received', st.got);
  text('amount-of', st.due);
  renderPayments();
  if (st.pays) show('received', st.pays.length || /[1-9]/.test(st.got));
  if (won && successUrl && !leaving) {
    leaving = true;
    setTimeout(() => location.assign(successUrl), 2000);
  }
}
)js"
    // Countdown: mm:ss (h:mm:ss from an hour up); a spoken note at 5 and 1 minutes.
    R"js(const two = (n) => (n < 10 ? '0' : '') + n;
let lastLeft = -1;
function tick() {
  const t = left();
  text('countdown', (t >= 3600 ? `${t / 3600 | 0}:${two((t / 60 | 0) % 60)}` : two(t / 60 | 0)) + ':' + two(t % 60));
  if (t === lastLeft) return;
  for (const mark of [300, 60]) if (lastLeft > mark && t <= mark && t && !WON.includes(st.status)) announce(plural(mark / 60, 'minute') + ' left to pay');
  if (!t) render();
  lastLeft = t;
}
function showExpiry() {
  const e = $('expires'), at = new Date(expiresAt);
  if (!e || !(expiresAt > 0)) return;
  const o = { hour: '2-digit', minute: '2-digit' };
  e.dateTime = at.toISOString();
  e.textContent = new Date(now()).toDateString() === at.toDateString()
    ? at.toLocaleTimeString([], o) : at.toLocaleString([], { month: 'short', day: 'numeric', ...o });
}
)js"
    // Polling: ~4 s while payable, stopping once paid; after expiry every 15 s for ten minutes
    // (a late payment may still be accepted); exponential back-off on errors; paused in
    // hidden tabs.
    R"js(let errors = 0, timer = 0, parked = false, expiredSince = 0;
function apply(j) {
  if (!j || typeof j.status != 'string') throw 0;
  if (DEC.test(j.amountDue)) st.due = j.amountDue;
  if (DEC.test(j.amountReceived)) st.got = j.amountReceived;
  if (Number.isInteger(j.confirmationsRequired) && j.confirmationsRequired > 0) st.req = j.confirmationsRequired;
  if (Array.isArray(j.payments)) st.pays = j.payments.filter((p) => p && typeof p == 'object');
  const exp = Date.parse(j.expiresAt);
  if (exp > 0 && exp !== expiresAt) { expiresAt = exp; showExpiry(); }
  if (!successUrl && typeof j.successUrl == 'string') successUrl = httpUrl(j.successUrl);
  st.status = j.status;
  render();
}
function next() {
  const s = root.dataset.status;
  let ms = 4000;
  if (WON.includes(s) || !d.statusUrl) return;
  if (s == 'expired') {
    expiredSince = expiredSince || Date.now();
    if (Date.now() - expiredSince > 6e5) return;
    ms = 15000;
  }
  if (errors) ms = Math.min(6e4, 4000 * 2 ** errors);
  timer = setTimeout(poll, ms * (0.9 + Math.random() / 5));
}
async function poll() {
  clearTimeout(timer);
  if (document.hidden) { parked = true; return; }
  const ac = new AbortController(), guard = setTimeout(() => ac.abort(), 1e4);
  try {
    const r = await fetch(d.statusUrl, { cache: 'no-store', headers: { accept: 'application/json' }, signal: ac.signal });
    if (!r.ok) throw 0;
    apply(await r.json());
    errors = 0;
  } catch (e) { errors++; }
  clearTimeout(guard);
  next();
}
document.addEventListener('visibilitychange', () => { if (!document.hidden && parked) { parked = false; poll(); } });
)js"
    // Copy: the Clipboard API, else execCommand on a hidden textarea, else select the text so
    // the customer can copy it by hand.
    R"js(async function copy(t) {
  try { await navigator.clipboard.writeText(t); return true; } catch (e) { /* fall back */ }
  const ta = el('textarea', '', 'offscreen');
  ta.value = t;
  ta.readOnly = true;
  document.body.append(ta);
  ta.select();
  ta.setSelectionRange(0, t.length);
  let ok = false;
  try { ok = document.execCommand('copy'); } catch (e) { /* unsupported */ }
  ta.remove();
  return ok;
}
for (const b of document.querySelectorAll('button[data-copy]')) {
  const label = b.textContent;
  let reset = 0;
  b.hidden = false;
  b.addEventListener('click', async () => {
    const ok = await copy(b.dataset.copy), sel = $(b.dataset.select || '');
    b.focus();
    clearTimeout(reset);
    b.textContent = ok ? 'Copied' : 'Copy failed';
    b.classList.toggle('ok', ok);
    if (!ok && sel) getSelection().selectAllChildren(sel);
    announce(ok ? b.dataset.done : 'Copy failed — select the text and copy it by hand');
    reset = setTimeout(() => { b.textContent = label; b.classList.remove('ok'); }, 2000);
  });
}

showExpiry();
render();
tick();
setInterval(tick, 1000);
next();
})();
)js";

constexpr std::string_view kCsp =
    "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

constexpr VersionedHref kCssHref = versioned("/assets/checkout.css", kCss);
constexpr VersionedHref kJsHref = versioned("/assets/checkout.js", kJs);

} // namespace

std::string_view checkout_css() noexcept {
    return kCss;
}
std::string_view checkout_js() noexcept {
    return kJs;
}
std::string_view checkout_css_href() noexcept {
    return kCssHref.view();
}
std::string_view checkout_js_href() noexcept {
    return kJsHref.view();
}
std::string_view page_csp() noexcept {
    return kCsp;
}

} // namespace paylinks::pages
