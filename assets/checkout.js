// Checkout page enhancements: countdown, live status, copy buttons, redirect once paid, and
// the network and token picker (switching in place between the options the page carries).
// No inline code (CSP); polled text reaches the page only through textContent.
(() => {
  'use strict';
  const root = document.getElementById('checkout');
  if (!root || typeof BigInt != 'function') return;
  const d = root.dataset,
    $ = (id) => document.getElementById(id);
  const WON = ['paid', 'overpaid', 'paid_late'],
    DEC = /^\d+(\.\d+)?$/;
  let sym = d.symbol,
    net = d.network;
  const httpUrl = (u) => {
    try {
      u = new URL(u);
      return /^https?:$/.test(u.protocol) ? u.href : '';
    } catch {
      return '';
    }
  };
  let explorer = httpUrl(d.explorerTxUrl || '');
  let successUrl = httpUrl(d.successUrl || ''),
    expiresAt = +d.expiresAt;
  const st = {
    status: d.status,
    due: d.amountDue,
    got: d.amountReceived,
    req: +d.confirmationsRequired || 1,
    pays: null,
  };
  const t0 = performance.now(),
    now0 = +d.now || Date.now();
  const now = () => now0 + performance.now() - t0;
  const left = () => Math.max(0, Math.ceil((expiresAt - now()) / 1000));
  // Exact decimals ("150.000000") through BigInt.
  const scale = (s) => {
    const i = s.indexOf('.');
    return i < 0 ? 0 : s.length - i - 1;
  };
  const units = (s, k) => {
    const p = s.split('.');
    return BigInt(p[0] + (p[1] || '').padEnd(k, '0'));
  };
  const diff = (a, b) => {
    // a − b if positive, else ''
    if (!DEC.test(a) || !DEC.test(b)) return '';
    const k = Math.max(scale(a), scale(b)),
      v = units(a, k) - units(b, k);
    if (v <= BigInt(0)) return '';
    const s = ('' + v).padStart(k + 1, '0');
    return k ? s.slice(0, -k) + '.' + s.slice(-k) : s;
  };
  // The payment URI for `amount` instead of the amount due (if its uint256 is that), else ''.
  const wallet = $('wallet');
  let uri = wallet ? wallet.dataset.uri : '';
  const uriFor = (amount) => {
    const m = /([?&]uint256=)(\d+)/.exec(uri),
      k = scale(st.due);
    if (!m || scale(amount) > k || BigInt(m[2]) !== units(st.due, k)) return '';
    return uri.slice(0, m.index) + m[1] + units(amount, k) + uri.slice(m.index + m[0].length);
  };
  // Same wording as status_message() in core/pages/checkout_page.cpp.
  const plural = (n, w) => `${n} ${w}${n == 1 ? '' : 's'}`;
  function message(s) {
    const due = `${st.due} ${sym}`,
      got = `${st.got} ${sym}`,
      rem = diff(st.due, st.got);
    switch (s) {
      case 'open':
        return ['Awaiting payment', `Send exactly ${due} on ${net}. This page updates when it arrives.`];
      case 'detected': {
        let k = -1; // confirmations of the least-confirmed unconfirmed payment
        for (const p of st.pays || [])
          if (!p.confirmed && Number.isInteger(p.confirmations))
            k = k < 0 ? p.confirmations : Math.min(k, p.confirmations);
        return [
          `Payment detected — waiting for ${plural(st.req, 'confirmation')}`,
          (k < 0 ? '' : `${Math.min(Math.max(k, 0), st.req)} of ${st.req} so far. `) + 'Keep this page open.',
        ];
      }
      case 'underpaid':
        return rem
          ? [
              `Received ${st.got} of ${due} — send the remaining ${rem} ${sym}`,
              `Send it to the same address on ${net} before the time runs out.`,
            ]
          : [
              `Received ${st.got} of ${due}`,
              `Send the rest to the same address on ${net} before the time runs out.`,
            ];
      case 'paid':
        return ['Payment received', `Thank you — ${got} confirmed on ${net}.`];
      case 'overpaid':
        return [
          'Payment received',
          `You sent ${got}, ${diff(st.got, st.due) || '?'} ${sym} more than due. Contact the merchant about the difference.`,
        ];
      case 'paid_late':
        return ['Payment received', 'It arrived after the time limit and was accepted. Thank you.'];
      case 'expired':
        return [
          'This checkout has expired',
          'Do not send a payment to this address. If you already sent one, keep this page open or contact the merchant.',
        ];
      case 'reorged':
        return [
          'Your payment is no longer on the chain',
          `A reorganisation of ${net} removed it. Pay again or contact the merchant.`,
        ];
    }
    return ['Status: ' + s, ''];
  }

  const text = (id, t) => {
    const e = $(id);
    if (e && e.textContent !== t) e.textContent = t;
  };
  const show = (id, on) => {
    const e = typeof id == 'string' ? $(id) : id;
    if (e) e.hidden = !on;
  };
  const announce = (t) => {
    const e = $('live');
    if (e) {
      e.textContent = '';
      setTimeout(() => {
        e.textContent = t;
      }, 50);
    }
  };
  const el = (tag, t, cls) => {
    const e = document.createElement(tag);
    e.textContent = t;
    if (cls) e.className = cls;
    return e;
  };

  let shownPays = '',
    leaving = false;
  // The picker: links to ?option=<i>, each carrying its option's facts.
  const picker = $('picker'),
    options = picker ? [...picker.querySelectorAll('a.opt')] : [];
  let chosen = Math.max(
    0,
    options.findIndex((a) => a.hasAttribute('aria-current')),
  );
  function renderPayments() {
    const list = $('payments'),
      key = JSON.stringify(st.pays);
    if (!list || !st.pays || key === shownPays) return;
    shownPays = key;
    list.textContent = '';
    for (const p of st.pays) {
      const h = typeof p.transactionHash == 'string' ? p.transactionHash : '';
      const short = h.length > 18 ? h.slice(0, 10) + '…' + h.slice(-8) : h;
      const c = Number.isInteger(p.confirmations) ? Math.max(0, Math.min(p.confirmations, st.req)) : 0;
      // With several options, each payment is shown with its own network and token.
      const o = options.find((a) => a.dataset.key === p.network && a.dataset.token === p.token),
        ex = picker ? httpUrl((o && o.dataset.explorerTxUrl) || '') : explorer;
      const link = ex && /^0x[0-9a-fA-F]{64}$/.test(h),
        tx = el(link ? 'a' : 'span', short, 'mono');
      if (link) Object.assign(tx, { href: ex + h, target: '_blank', rel: 'noopener noreferrer', title: h });
      const li = document.createElement('li');
      li.append(
        tx,
        el('span', `${DEC.test(p.amount) ? p.amount : '?'} ${o ? o.dataset.symbol : sym}`, 'num'),
      );
      if (picker) li.append(el('span', `on ${o ? o.dataset.network : p.network}`, 'small'));
      li.append(el('span', p.confirmed ? 'Confirmed' : `${c} of ${st.req} confirmations`));
      list.append(li);
    }
  }

  function render() {
    // Once the countdown is over an open session can no longer be paid in time: show it
    // expired until the server says so itself.
    const s = /^(open|underpaid)$/.test(st.status) && !left() ? 'expired' : st.status;
    const won = WON.includes(s),
      over = s == 'expired',
      m = message(s);
    const rem = s == 'underpaid' ? diff(st.due, st.got) : '',
      amount = rem || st.due;
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
  // Countdown: mm:ss (h:mm:ss from an hour up); a spoken note at 5 and 1 minutes.
  const two = (n) => (n < 10 ? '0' : '') + n;
  let lastLeft = -1;
  function tick() {
    const t = left();
    text(
      'countdown',
      (t >= 3600 ? `${(t / 3600) | 0}:${two(((t / 60) | 0) % 60)}` : two((t / 60) | 0)) + ':' + two(t % 60),
    );
    if (t === lastLeft) return;
    for (const mark of [300, 60])
      if (lastLeft > mark && t <= mark && t && !WON.includes(st.status))
        announce(plural(mark / 60, 'minute') + ' left to pay');
    if (!t) render();
    lastLeft = t;
  }
  function showExpiry() {
    const e = $('expires'),
      at = new Date(expiresAt);
    if (!e || !(expiresAt > 0)) return;
    const o = { hour: '2-digit', minute: '2-digit' };
    e.dateTime = at.toISOString();
    e.textContent =
      new Date(now()).toDateString() === at.toDateString()
        ? at.toLocaleTimeString([], o)
        : at.toLocaleString([], { month: 'short', day: 'numeric', ...o });
  }
  // Polling: ~4 s while payable, stopping once paid; after expiry every 15 s for ten minutes
  // (a late payment may still be accepted); exponential back-off on errors; paused in
  // hidden tabs.
  let errors = 0,
    timer = 0,
    parked = false,
    expiredSince = 0;
  function apply(j) {
    if (!j || typeof j.status != 'string') throw 0;
    const o = picker && Array.isArray(j.paymentOptions) ? j.paymentOptions[chosen] : null,
      due = o && typeof o == 'object' ? o.amountDue : j.amountDue;
    if (DEC.test(due)) st.due = due;
    if (DEC.test(j.amountReceived)) st.got = j.amountReceived;
    if (Number.isInteger(j.confirmationsRequired) && j.confirmationsRequired > 0)
      st.req = j.confirmationsRequired;
    if (Array.isArray(j.payments)) st.pays = j.payments.filter((p) => p && typeof p == 'object');
    const exp = Date.parse(j.expiresAt);
    if (exp > 0 && exp !== expiresAt) {
      expiresAt = exp;
      showExpiry();
    }
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
    if (document.hidden) {
      parked = true;
      return;
    }
    const ac = new AbortController(),
      guard = setTimeout(() => ac.abort(), 1e4);
    try {
      const r = await fetch(d.statusUrl, {
        cache: 'no-store',
        headers: { accept: 'application/json' },
        signal: ac.signal,
      });
      if (!r.ok) throw 0;
      apply(await r.json());
      errors = 0;
    } catch {
      errors++;
    }
    clearTimeout(guard);
    next();
  }
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && parked) {
      parked = false;
      poll();
    }
  });
  // Copy: the Clipboard API, else execCommand on a hidden textarea, else select the text so
  // the customer can copy it by hand.
  async function copy(t) {
    try {
      await navigator.clipboard.writeText(t);
      return true;
    } catch {
      /* fall back */
    }
    const ta = el('textarea', '', 'offscreen');
    ta.value = t;
    ta.readOnly = true;
    document.body.append(ta);
    ta.select();
    ta.setSelectionRange(0, t.length);
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      /* unsupported */
    }
    ta.remove();
    return ok;
  }
  for (const b of document.querySelectorAll('button[data-copy]')) {
    const label = b.textContent;
    let reset = 0;
    b.hidden = false;
    b.addEventListener('click', async () => {
      const ok = await copy(b.dataset.copy),
        sel = $(b.dataset.select || '');
      b.focus();
      clearTimeout(reset);
      b.textContent = ok ? 'Copied' : 'Copy failed';
      b.classList.toggle('ok', ok);
      if (!ok && sel) getSelection().selectAllChildren(sel);
      announce(ok ? b.dataset.done : 'Copy failed — select the text and copy it by hand');
      reset = setTimeout(() => {
        b.textContent = label;
        b.classList.remove('ok');
      }, 2000);
    });
  }

  // Switching option: the amount, wallet link, QR code, network and token facts follow.
  const group = (a) => {
    const e = document.createDocumentFragment();
    for (let i = 0; i < a.length; i += i ? 4 : 6) e.append(el('span', a.slice(i, i + (i ? 4 : 6))));
    return e;
  };
  function choose(a) {
    const o = a.dataset;
    chosen = +o.option;
    sym = o.symbol;
    net = o.network;
    st.due = o.amountDue;
    d.qrAmount = o.qrAmount;
    d.symbol = sym;
    d.network = net;
    uri = o.uri || '';
    if (wallet) wallet.dataset.uri = uri;
    explorer = httpUrl(o.explorerTxUrl || '');
    for (const x of options) {
      if (x === a) x.setAttribute('aria-current', 'true');
      else x.removeAttribute('aria-current');
    }
    for (const id of ['amount-sym', 'tok-sym', 'received-sym']) text(id, sym);
    text('net-name', net);
    text('net-chain', o.chainId);
    const t = $('tok-address');
    if (t && /^0x[0-9a-fA-F]{40}$/.test(o.token)) t.replaceChildren(group(o.token));
    text(
      'warn',
      `Send only ${sym} on ${net} (chain ID ${o.chainId}) with this choice, or pick another above. Tokens and networks not listed can't be credited to this payment.`,
    );
    for (const q of document.querySelectorAll('[data-qr-option]')) {
      const on = q.dataset.qrOption === o.option;
      if (on) q.id = 'qr';
      else q.removeAttribute('id');
      q.hidden = !on;
    }
    history.replaceState(null, '', '?option=' + chosen);
    shownPays = '';
    render();
    announce(`Paying with ${sym} on ${net}`);
  }
  if (picker)
    picker.addEventListener('click', (e) => {
      const a = e.target.closest('a.opt');
      if (!a || e.ctrlKey || e.metaKey || e.shiftKey) return;
      e.preventDefault();
      choose(a);
    });

  showExpiry();
  render();
  tick();
  setInterval(tick, 1000);
  next();
})();
