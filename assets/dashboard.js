// The dashboard: sign-in with the secret key (sessionStorage only), four sections, every
// list live. No inline code (CSP); API text reaches the page only through textContent.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const KEY = 'paylinks.key',
    LIMIT = 20;
  // The core's statuses, event types, currencies and networks, from the page
  // (core/catalog): nothing here repeats them.
  const CATALOG = JSON.parse($('catalog').textContent);
  // The payment states filter the list; refund statuses are only shown.
  const SES = CATALOG.statuses.filter((s) => !s.refund).map((s) => s.name);
  const TYPES = CATALOG.eventTypes.map((e) => e.type);
  const LABEL = Object.fromEntries(CATALOG.statuses.map((s) => [s.name, s.label]));
  // Session statuses take their tone from the catalog; deliveries, sweeps and endpoints
  // have states of their own.
  const TONE = {
    ...Object.fromEntries(CATALOG.statuses.map((s) => [s.name, s.tone])),
    succeeded: 'ok',
    active: 'ok',
    sold_out: 'warn',
    pending: 'live',
    failed: 'error',
  };
  const EXPLORER = Object.fromEntries(
    CATALOG.networks.filter((n) => n.explorerTxUrl).map((n) => [n.chainId, n.explorerTxUrl]),
  );
  // A network's name for people: a built-in's display name, else the deployment's name.
  const NET = Object.fromEntries(CATALOG.networks.map((n) => [n.name, n.displayName]));
  const netName = (n) => NET[n] || n;
  let key = '',
    view = '',
    uid = 0,
    toastTimer = 0;
  try {
    key = sessionStorage.getItem(KEY) || '';
  } catch {} // storage off: sign in on every load
  // h('tag', {property or attribute: value}, ...children): DOM built from parts; strings
  // become text nodes, so API text can never turn into markup.
  function h(tag, props, ...kids) {
    const e = document.createElement(tag);
    for (const k in props) {
      const v = props[k];
      if (v == null || v === false) continue;
      if (k in e) e[k] = v;
      else e.setAttribute(k, v);
    }
    for (const c of kids.flat()) if (c != null && c !== false) e.append(c);
    return e;
  }
  const enc = encodeURIComponent;
  const safeUrl = (u) => {
    try {
      u = new URL(u, location.href);
      return /^https?:$/.test(u.protocol) ? u.href : '';
    } catch {
      return '';
    }
  };
  const when = (s) => {
    const d = new Date(s);
    return s && !isNaN(d) ? d.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }) : '—';
  };
  const time = (s) => h('time', { dateTime: s || '', textContent: when(s) });
  const label = (s) => LABEL[s] || (s ? s[0].toUpperCase() + s.slice(1).replace(/_/g, ' ') : '');
  const badge = (s, text) => h('span', { className: 'badge b-' + (TONE[s] || '') }, text || label(s));
  const b2 = (text, onclick, cls) =>
    h('button', { type: 'button', className: 'b2 ' + (cls || ''), textContent: text, onclick });
  function toast(text) {
    const t = $('toast');
    t.textContent = text;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      t.textContent = '';
    }, 3500);
  }
  // The API. Errors come back as the API's {type, code, message, param}; a 401 signs out.
  async function api(method, path, body) {
    const init = {
      method,
      cache: 'no-store',
      headers: { authorization: 'Bearer ' + key, accept: 'application/json' },
    };
    if (body) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let r,
      j = null;
    try {
      r = await fetch('/api/v1/' + path, init);
    } catch {
      throw { message: 'Could not reach the server. Check your connection and try again.' };
    }
    try {
      j = await r.json();
    } catch {} // not JSON
    if (r.ok && j) return j;
    const err =
      j && j.error && typeof j.error.message == 'string'
        ? j.error
        : { message: `The server answered HTTP ${r.status}. Try again in a moment.` };
    err.status = r.status;
    if (r.status == 401 && view) {
      err.handled = 1;
      signOut(err.message);
    }
    throw err;
  }
  // Errors next to the field the API names ("param"), else at the form's foot.
  function clearErrors(form) {
    for (const e of form.querySelectorAll('.err')) e.remove();
    for (const e of form.querySelectorAll('[aria-invalid]')) {
      e.removeAttribute('aria-invalid');
      e.removeAttribute('aria-describedby');
    }
  }
  function showError(form, err) {
    clearErrors(form);
    let f = err.param ? form.elements[err.param] : null;
    if (f && !f.tagName) f = f[0];
    if (f && f.closest('[hidden]')) f = null;
    const p = h('p', { className: 'err', id: 'err' + ++uid }, err.message || 'Something went wrong.');
    if (f) {
      (f.closest('.f') || f.parentNode).append(p);
      if (f.tagName != 'FIELDSET') {
        f.setAttribute('aria-invalid', 'true');
        f.setAttribute('aria-describedby', p.id);
        f.focus();
      } else (f.querySelector('input') || f).focus();
    } else {
      form.querySelector('.ferr').append(p);
    }
  }
  async function submit(form, work) {
    const btn = form.querySelector('[type=submit]');
    clearErrors(form);
    btn.disabled = true;
    try {
      await work();
    } catch (err) {
      if (!err.handled) showError(form, err);
    }
    btn.disabled = false;
  }
  function sectionError(name, err) {
    if (!err.handled) $(name + '-msg').textContent = err.message;
  }
  // Copy: the Clipboard API, else a hidden textarea and execCommand.
  async function copy(text, btn) {
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      const ta = h('textarea', { value: text, readOnly: true, className: 'offscreen' });
      document.body.append(ta);
      ta.select();
      try {
        ok = document.execCommand('copy');
      } catch {} // unsupported
      ta.remove();
    }
    if (btn) {
      btn.dataset.l = btn.dataset.l || btn.textContent;
      btn.textContent = ok ? 'Copied' : 'Copy failed';
      btn.classList.toggle('ok', ok);
      setTimeout(() => {
        btn.textContent = btn.dataset.l;
        btn.classList.remove('ok');
      }, 2000);
    }
    toast(ok ? 'Copied to the clipboard' : 'Copy failed — select the text and copy it by hand');
  }
  // A confirmation dialog; resolves true only for the confirming button.
  function confirmAction(title, message, action) {
    const d = $('dlg');
    $('dlg-h').textContent = title;
    $('dlg-m').textContent = message;
    $('dlg-ok').textContent = action;
    return new Promise((resolve) => {
      const done = (v) => {
        $('dlg-ok').onclick = $('dlg-no').onclick = d.oncancel = null;
        if (d.open) d.close();
        resolve(v);
      };
      $('dlg-ok').onclick = () => done(true);
      $('dlg-no').onclick = () => done(false);
      d.oncancel = (e) => {
        e.preventDefault();
        done(false);
      };
      d.showModal();
    });
  }
  // A paginated list (newest first, cursor pages). Re-renders only when the data changed,
  // keeping focus and open rows, so polling never disturbs the reader.
  function lister(name, path, row, opt) {
    const ul = $(name + '-list'),
      L = { after: '', stack: [], sig: '', data: [], seq: 0 };
    const prev = b2('← Newer', () => {
      L.after = L.stack.pop() || '';
      L.load(true);
      scrollTo(0, 0);
    });
    const next = b2('Older →', () => {
      L.stack.push(L.after);
      L.after = L.data[L.data.length - 1].id;
      L.load(true);
      scrollTo(0, 0);
    });
    const pager = h(
      'nav',
      { className: 'acts', 'aria-label': opt.title + ' pages', hidden: true },
      prev,
      next,
    );
    ul.after(pager);
    L.reset = () => {
      L.after = '';
      L.stack = [];
      L.load(true);
    };
    L.clear = () => {
      L.sig = L.after = '';
      L.stack = [];
      L.seq++;
      ul.replaceChildren();
      pager.hidden = true;
      $(name + '-msg').textContent = '';
    };
    L.load = async (fresh) => {
      const n = ++L.seq;
      if (fresh || !L.sig) {
        L.sig = '';
        ul.setAttribute('aria-busy', 'true');
        if (!ul.firstChild || fresh) ul.replaceChildren(h('li', { className: 'state' }, 'Loading…'));
      }
      let j;
      try {
        j = await api(
          'GET',
          `${path}?limit=${LIMIT}${L.after ? '&starting_after=' + enc(L.after) : ''}${opt.query ? opt.query() : ''}`,
        );
      } catch (err) {
        if (n != L.seq || err.handled) return;
        ul.removeAttribute('aria-busy');
        if (L.sig) return sectionError(name, err);
        ul.replaceChildren(
          h(
            'li',
            { className: 'state' },
            h('strong', {}, "Couldn't load " + opt.title.toLowerCase()),
            err.message,
            h('br'),
            b2('Try again', () => L.load(true)),
          ),
        );
        return;
      }
      if (n != L.seq) return;
      ul.removeAttribute('aria-busy');
      $(name + '-msg').textContent = '';
      const data = Array.isArray(j.data) ? j.data.filter((x) => x && typeof x.id == 'string') : [];
      if (!data.length && L.stack.length) {
        L.after = L.stack.pop();
        return L.load();
      }
      const sig = JSON.stringify(data) + j.has_more;
      if (sig == L.sig) return;
      L.sig = sig;
      L.data = data;
      keepFocus(ul, () =>
        ul.replaceChildren(
          ...(data.length
            ? data.map((x) => h('li', {}, row(x)))
            : [h('li', { className: 'state' }, opt.empty())]),
        ),
      );
      prev.disabled = !L.after;
      next.disabled = !j.has_more;
      pager.hidden = !L.after && !j.has_more;
    };
    return L;
  }
  function keepFocus(box, fn) {
    const f = document.activeElement,
      k = box.contains(f) && f.dataset.k;
    fn();
    const g = k && box.querySelector(`[data-k="${CSS.escape(k)}"]`);
    if (g) g.focus();
  }
  const empty = (title, text, action) => [h('strong', {}, title), text, action ? h('br') : null, action];
  // Links: create, edit in place, activate/deactivate, delete, copy and open.
  // The link form's plain fields, by their API names (the slug is set once, at creation).
  const LINK_FIELDS = [
    'title',
    'fiatAmount',
    'fiatCurrency',
    'description',
    'successUrl',
    'cancelUrl',
    'maxPayments',
  ];
  let editing = '',
    editNode = null;
  function linkForm(form, link) {
    form.replaceChildren($('t-link').content.cloneNode(true));
    const el = form.elements;
    el.fiatCurrency.append(
      ...CATALOG.currencies.map(({ code }) =>
        h('option', { selected: code === CATALOG.defaultCurrency }, code),
      ),
    );
    if (link) {
      for (const k of LINK_FIELDS) el[k].value = link[k] == null ? '' : link[k];
      // Kept as shown: an edit sends metadata only when this text changed, so values the
      // lines cannot hold (a newline) survive an edit of something else.
      el.metadata.value = el.metadata.defaultValue = Object.entries(link.metadata || {})
        .map(([k, v]) => k + '=' + v)
        .join('\n');
      form.querySelector('.slug').hidden = true;
      form.querySelector('[type=submit]').textContent = 'Save changes';
    }
    return el;
  }
  function linkBody(form, edit) {
    const b = {};
    for (const k of [...LINK_FIELDS, 'slug']) {
      const f = form.elements[k];
      if (f.closest('[hidden]')) continue;
      const v = f.value.trim();
      if (v) b[k] = v;
      else if (edit) b[k] = /Url$|desc|max/.test(k) ? null : v;
    }
    // A whole number goes as one; anything else as typed, for the API to name the field.
    if (/^\d+$/.test(b.maxPayments)) b.maxPayments = Number(b.maxPayments);
    const md = form.elements.metadata;
    if (!edit || md.value != md.defaultValue) {
      b.metadata = {};
      for (const line of md.value.split('\n')) {
        if (!line.trim()) continue;
        const i = line.indexOf('=');
        if (i < 0) throw { message: 'Write each metadata line as key=value.', param: 'metadata' };
        b.metadata[line.slice(0, i).trim()] = line.slice(i + 1).trim();
      }
    }
    return b;
  }
  const createPanel = $('create-link'),
    newLink = $('new-link'),
    linkFormEl = $('link-form');
  function openCreate(open) {
    createPanel.hidden = !open;
    newLink.setAttribute('aria-expanded', open);
    if (open) {
      linkForm(linkFormEl);
      linkFormEl.elements.title.focus();
    } else newLink.focus();
  }
  newLink.onclick = () => openCreate(createPanel.hidden);
  linkFormEl.onclick = (e) => {
    if (e.target.matches('.x')) openCreate(false);
  };
  linkFormEl.onsubmit = (e) => {
    e.preventDefault();
    submit(linkFormEl, async () => {
      const link = await api('POST', 'payment_links', linkBody(linkFormEl));
      openCreate(false);
      toast(`Link “${link.title}” created`);
      lists.links.reset();
    });
  };
  function editLink(link, li) {
    const form = h('form', { noValidate: true });
    linkForm(form, link);
    const node = h('div', { className: 'item editing' }, h('h2', {}, 'Edit link'), form);
    const done = () => {
      editing = '';
      lists.links.sig = '~';
      lists.links.load();
    };
    for (const b of form.querySelectorAll('button')) b.dataset.k = link.id + 2; // back to "Edit"
    form.onclick = (e) => {
      if (e.target.matches('.x')) done();
    };
    form.onsubmit = (e) => {
      e.preventDefault();
      submit(form, async () => {
        await api('PATCH', 'payment_links/' + enc(link.id), linkBody(form, true));
        toast('Link updated');
        done();
      });
    };
    editing = link.id;
    editNode = node;
    li.replaceChildren(node);
    form.elements.title.focus();
  }
  async function linkAction(fn, ok) {
    $('links-msg').textContent = '';
    try {
      await fn();
      toast(ok);
      lists.links.load();
    } catch (err) {
      sectionError('links', err);
    }
  }
  function linkRow(l) {
    const url = safeUrl(l.checkoutUrl),
      id = 'k-' + l.id,
      sold = l.completedSessions || 0,
      limited = l.maxPayments != null;
    const li = [
      h(
        'div',
        { className: 'grow' },
        h(
          'div',
          { className: 'row' },
          h('span', { className: 'ti', id }, l.title),
          badge(l.active ? 'active' : 'inactive'),
          limited && sold >= l.maxPayments ? badge('sold_out', 'Sold out') : null,
        ),
        h('p', { className: 'amt' }, `${l.fiatAmount} ${l.fiatCurrency}`),
        limited ? h('p', { className: 'mu sold' }, `${sold} of ${l.maxPayments} sold`) : null,
        h('p', { className: 'mu mono' }, url || l.slug),
        l.description ? h('p', { className: 'mu' }, l.description) : null,
      ),
      h(
        'div',
        { className: 'acts' },
        b2('Copy link', (e) => copy(url, e.currentTarget)),
        url
          ? h('a', { className: 'b2', href: url, target: '_blank', rel: 'noopener', textContent: 'Open' })
          : null,
        b2('Edit', (e) => editLink(l, e.currentTarget.closest('li'))),
        b2(l.active ? 'Deactivate' : 'Activate', () =>
          linkAction(
            () => api('PATCH', 'payment_links/' + enc(l.id), { active: !l.active }),
            l.active ? 'Link deactivated' : 'Link activated',
          ),
        ),
        b2(
          'Delete',
          async () => {
            if (
              await confirmAction(
                'Delete this link?',
                `“${l.title}” stops working at once: customers opening it see an error. Sessions already started are not affected.`,
                'Delete link',
              )
            )
              linkAction(() => api('DELETE', 'payment_links/' + enc(l.id)), 'Link deleted');
          },
          'dg',
        ),
      ),
    ];
    [...li[1].children].forEach((b, i) => {
      b.setAttribute('aria-describedby', id);
      b.dataset.k = l.id + i;
    });
    return h('div', { className: 'item' }, li);
  }
  // Sessions: status filter; amounts, deposit address, payments with explorer links.
  const opened = new Set();
  function expander(x, summary, body, onopen) {
    const d = h('details', { open: opened.has(x.id) }, h('summary', { 'data-k': x.id }, summary), body);
    d.ontoggle = () => {
      if (d.open) {
        opened.add(x.id);
        if (onopen) onopen();
      } else opened.delete(x.id);
    };
    return d;
  }
  const fact = (name, ...value) => h('div', {}, h('dt', {}, name), h('dd', {}, ...value));
  function sessionRow(s) {
    const sym = (s.token && s.token.symbol) || '';
    const pays = Array.isArray(s.payments) ? s.payments : [],
      opts = Array.isArray(s.paymentOptions) ? s.paymentOptions.filter((o) => o) : [];
    const checkout = safeUrl(s.checkoutUrl);
    return expander(
      s,
      [
        badge(s.status),
        h('span', { className: 'amt' }, `${s.fiatAmount} ${s.fiatCurrency}`),
        h('span', { className: 'ti grow' }, s.title || s.id),
        time(s.createdAt),
      ],
      h(
        'div',
        { className: 'xb' },
        h(
          'dl',
          { className: 'facts' },
          fact('Session', h('span', { className: 'mono' }, s.id)),
          fact('Amount due', `${s.amountDue} ${sym}`),
          fact('Received', `${s.amountReceived} ${sym}`),
          fact('Network', `${netName(s.network)} (chain ID ${s.chainId})`),
          fact(
            'Deposit address',
            h('span', { className: 'mono' }, s.depositAddress),
            ' ',
            b2('Copy address', (e) => copy(s.depositAddress, e.currentTarget)),
          ),
          fact(
            'Checkout page',
            checkout
              ? h('a', { href: checkout, target: '_blank', rel: 'noopener', textContent: 'Open' })
              : '—',
          ),
          s.linkId ? fact('Payment link', h('span', { className: 'mono' }, s.linkId)) : null,
          s.customerEmail ? fact('Customer email', s.customerEmail) : null,
          fact('Expires', time(s.expiresAt)),
          s.paidAt ? fact('Paid', time(s.paidAt)) : null,
        ),
        h('h3', {}, 'Payments'),
        pays.length
          ? h(
              'ul',
              { className: 'sub' },
              pays.map((p) => {
                const hash = String(p.transactionHash || ''),
                  short = hash.slice(0, 10) + '…' + hash.slice(-8);
                // The payment's network and token from the session's options (a session
                // may be paid on any of them); else the session's own.
                const net = opts.filter((o) => o.network == p.network),
                  tok = net.find(
                    (o) => o.token && String(o.token.address).toLowerCase() == String(p.token).toLowerCase(),
                  );
                const ex = EXPLORER[net.length ? net[0].chainId : s.chainId],
                  psym = (tok && tok.token.symbol) || sym;
                const tx =
                  ex && /^0x[0-9a-fA-F]{64}$/.test(hash)
                    ? h('a', {
                        className: 'mono',
                        href: ex + hash,
                        target: '_blank',
                        rel: 'noopener',
                        title: hash,
                        textContent: short,
                      })
                    : h('span', { className: 'mono', title: hash }, hash);
                return h(
                  'li',
                  { className: 'row' },
                  tx,
                  h('span', { className: 'amt' }, `${p.amount} ${psym}`),
                  h('span', { className: 'mu net' }, netName(p.network || s.network)),
                  h('span', { className: 'mu' }, `block ${p.blockNumber}`),
                  p.confirmed
                    ? badge('succeeded', 'Confirmed')
                    : badge('pending', `${p.confirmations} of ${s.confirmationsRequired} confirmations`),
                );
              }),
            )
          : h('p', { className: 'mu' }, 'No payment has been seen on chain yet.'),
        pays.some((p) => p.confirmed) || (s.refunds && s.refunds.length) ? refundsPart(s, sym) : null,
      ),
    );
  }
  // A session's refunds, and a form to create one: the answer's payment request (EIP-681 URI
  // and its QR code) is what the treasury's wallet pays; the chain then proves it.
  // The payment request last shown per session, so that a refresh of the list keeps it
  // until the refund has succeeded.
  const refundShown = new Map();
  function refundsPart(s, sym) {
    const list = Array.isArray(s.refunds) ? s.refunds : [];
    const result = h('div', { className: 'refund-pay', 'aria-live': 'polite' });
    const shown = refundShown.get(s.id);
    if (shown && list.some((r) => r.id == shown.id && r.status == 'succeeded')) refundShown.delete(s.id);
    else if (shown) result.append(refundRequest(shown, sym));
    const form = h(
      'form',
      { className: 'grid', novalidate: true },
      h(
        'label',
        { className: 'f' },
        h('span', {}, 'Amount ', h('i', {}, 'optional — all that is left')),
        h('input', {
          name: 'amount',
          inputMode: 'decimal',
          autocomplete: 'off',
          placeholder: s.amountReceived,
        }),
      ),
      h(
        'label',
        { className: 'f wide' },
        h('span', {}, 'Address ', h('i', {}, 'optional — the address that paid')),
        h('input', { name: 'address', spellcheck: false, autocapitalize: 'off', placeholder: '0x…' }),
      ),
      h('div', { className: 'ferr' }),
      h('div', { className: 'acts' }, h('button', { className: 'btn', type: 'submit' }, 'Create refund')),
    );
    form.onsubmit = (e) => {
      e.preventDefault();
      submit(form, async () => {
        const body = {};
        for (const name of ['amount', 'address']) {
          const v = form.elements[name].value.trim();
          if (v) body[name] = v;
        }
        const r = await api('POST', `checkout_sessions/${enc(s.id)}/refunds`, body);
        form.reset();
        refundShown.set(s.id, r);
        toast(`Refund ${r.id} created: pay it from ${r.sender}`);
        result.replaceChildren(refundRequest(r, sym));
      });
    };
    return h(
      'div',
      { className: 'refunds' },
      h('h3', {}, 'Refunds'),
      list.length
        ? h(
            'ul',
            { className: 'sub' },
            list.map((r) =>
              h(
                'li',
                { className: 'row' },
                h('span', { className: 'mono' }, r.id),
                h('span', { className: 'amt' }, `${r.amount} ${sym}`),
                badge(r.status),
                r.status == 'pending'
                  ? b2('Show payment request', () => showRefund(r.id, result, sym))
                  : null,
              ),
            ),
          )
        : h('p', { className: 'mu' }, 'No refunds.'),
      list.some((r) => r.status == 'succeeded')
        ? h('p', { className: 'mu' }, `Refunded: ${s.amountRefunded} ${sym}`)
        : null,
      result,
      form,
    );
  }
  async function showRefund(id, result, sym) {
    try {
      const r = await api('GET', 'refunds/' + enc(id));
      refundShown.set(r.checkoutSession, r);
      result.replaceChildren(refundRequest(r, sym));
    } catch (err) {
      if (!err.handled) result.replaceChildren(h('p', { className: 'err' }, err.message));
    }
  }
  function refundRequest(r, sym) {
    const svg = typeof r.qrSvg == 'string' && r.qrSvg.startsWith('<svg') ? r.qrSvg : '';
    return h(
      'div',
      { className: 'card' },
      h('p', {}, `Send exactly ${r.amount} ${sym} from ${r.sender} to ${r.address}.`),
      svg
        ? h('img', {
            className: 'qr',
            alt: 'QR code of the refund payment request',
            src: 'data:image/svg+xml;charset=utf-8,' + enc(svg),
          })
        : null,
      h(
        'div',
        { className: 'row' },
        h('code', { className: 'mono uri' }, r.paymentUri),
        b2('Copy request', (e) => copy(r.paymentUri, e.currentTarget)),
      ),
      h('p', { className: 'mu' }, `Status: ${label(r.status)}`),
    );
  }
  // Events: type filter; expanding one loads its deliveries (and keeps them fresh); resend.
  const eventSig = new Map();
  function eventRow(ev) {
    const body = h('div', { className: 'xb' });
    const o = ev.data && ev.data.object;
    const d = expander(
      ev,
      [
        h('code', { className: 'ti' }, ev.type),
        h('span', { className: 'mu mono' }, (o && o.id) || ev.id),
        time(ev.createdAt),
      ],
      body,
      () => loadEvent(ev.id),
    );
    d.dataset.ev = ev.id;
    const cached = eventSig.get(ev.id);
    if (cached) renderEvent(body, cached[1]);
    else body.append(h('p', { className: 'mu' }, 'Loading deliveries…'));
    return d;
  }
  async function loadEvent(id, ev) {
    try {
      ev = ev || (await api('GET', 'events/' + enc(id)));
    } catch (err) {
      return sectionError('events', err);
    }
    const sig = JSON.stringify(ev),
      old = eventSig.get(id),
      d = document.querySelector(`[data-ev="${CSS.escape(id)}"]`);
    eventSig.set(id, [sig, ev]);
    if (d && (!old || old[0] != sig || !d.lastChild.dataset.done)) renderEvent(d.lastChild, ev);
  }
  function renderEvent(body, ev) {
    const dels = Array.isArray(ev.deliveries) ? ev.deliveries : [];
    const resend = b2('Resend', async () => {
      resend.disabled = true;
      try {
        await loadEvent(ev.id, await api('POST', `events/${enc(ev.id)}/resend`));
        toast('Event sent again');
      } catch (err) {
        sectionError('events', err);
      }
      resend.disabled = false;
    });
    resend.dataset.k = ev.id + 'r';
    const raw = body.querySelector('.raw');
    body.dataset.done = 1;
    keepFocus(body, () =>
      body.replaceChildren(
        h('div', { className: 'xh' }, h('h3', {}, 'Webhook deliveries'), resend),
        dels.length
          ? h(
              'ul',
              { className: 'sub' },
              dels.map((dv) =>
                h(
                  'li',
                  {},
                  h(
                    'div',
                    { className: 'row' },
                    badge(dv.status),
                    h('span', { className: 'mono' }, dv.url),
                    dv.status == 'pending' && dv.nextAttemptAt
                      ? h('span', { className: 'mu' }, 'Next attempt ', time(dv.nextAttemptAt))
                      : null,
                  ),
                  Array.isArray(dv.attempts) && dv.attempts.length
                    ? h(
                        'div',
                        { className: 'tw' },
                        h(
                          'table',
                          {},
                          h(
                            'thead',
                            {},
                            h(
                              'tr',
                              {},
                              ['Attempted', 'Result', 'Duration'].map((t) => h('th', { scope: 'col' }, t)),
                            ),
                          ),
                          h(
                            'tbody',
                            {},
                            dv.attempts.map((a) =>
                              h(
                                'tr',
                                {},
                                h('td', {}, time(a.attemptedAt)),
                                h(
                                  'td',
                                  {},
                                  a.status ? `HTTP ${a.status}` : '',
                                  a.status && a.error ? ' · ' : '',
                                  a.error || '',
                                ),
                                h(
                                  'td',
                                  { className: 'num' },
                                  a.durationMs == null ? '—' : a.durationMs + ' ms',
                                ),
                              ),
                            ),
                          ),
                        ),
                      )
                    : h('p', { className: 'mu' }, 'Not attempted yet.'),
                ),
              ),
            )
          : h('p', { className: 'mu' }, 'No webhook endpoint was subscribed to this event.'),
        h(
          'details',
          { className: 'raw', open: !!(raw && raw.open) },
          h('summary', {}, 'Event data'),
          h('pre', {}, JSON.stringify(ev.data, null, 2)),
        ),
      ),
    );
  }
  // Webhook endpoints: create (the secret shown once), enable/disable, rotate, delete.
  const whForm = $('wh-form'),
    whPanel = $('create-wh'),
    newWh = $('new-wh');
  function openWh(open) {
    whPanel.hidden = !open;
    newWh.setAttribute('aria-expanded', open);
    if (open) {
      whForm.reset();
      clearErrors(whForm);
      $('wh-types').hidden = true;
      whForm.elements.url.focus();
    } else newWh.focus();
  }
  $('wh-types').append(
    ...TYPES.map((t) =>
      h('label', { className: 'ck' }, h('input', { type: 'checkbox', value: t }), h('code', {}, t)),
    ),
  );
  newWh.onclick = () => openWh(whPanel.hidden);
  whForm.onclick = (e) => {
    if (e.target.matches('.x')) openWh(false);
  };
  whForm.onchange = () => {
    $('wh-types').hidden = whForm.elements.scope.value != 'some';
  };
  function showSecret(ep, rotated) {
    $('secret-h').textContent = rotated
      ? 'New signing secret'
      : 'Endpoint added — here is its signing secret';
    $('secret-for').textContent = ep.url;
    $('secret-val').textContent = ep.secret;
    $('secret').hidden = false;
    $('secret').focus();
  }
  $('secret-copy').onclick = (e) => copy($('secret-val').textContent, e.currentTarget);
  $('secret-done').onclick = () => {
    $('secret').hidden = true;
    $('secret-val').textContent = '';
    newWh.focus();
  };
  whForm.onsubmit = (e) => {
    e.preventDefault();
    const el = whForm.elements,
      b = { url: el.url.value.trim() };
    b.enabledEvents =
      el.scope.value == 'all' ? ['*'] : [...$('wh-types').querySelectorAll(':checked')].map((c) => c.value);
    if (el.description.value.trim()) b.description = el.description.value.trim();
    submit(whForm, async () => {
      const ep = await api('POST', 'webhook_endpoints', b);
      whPanel.hidden = true;
      newWh.setAttribute('aria-expanded', false);
      showSecret(ep);
      lists.webhooks.reset();
    });
  };
  async function whAction(fn, ok) {
    $('webhooks-msg').textContent = '';
    try {
      const r = await fn();
      if (r && r.secret) showSecret(r, 1);
      toast(ok);
      lists.webhooks.load();
    } catch (err) {
      sectionError('webhooks', err);
    }
  }
  function webhookRow(w) {
    const ev = Array.isArray(w.enabledEvents) ? w.enabledEvents : [],
      id = 'k-' + w.id,
      path = 'webhook_endpoints/' + enc(w.id);
    const acts = h(
      'div',
      { className: 'acts' },
      b2(w.active ? 'Disable' : 'Enable', () =>
        whAction(
          () => api('PATCH', path, { active: !w.active }),
          w.active ? 'Endpoint disabled' : 'Endpoint enabled',
        ),
      ),
      b2('Rotate secret', async () => {
        if (
          await confirmAction(
            'Rotate the signing secret?',
            'The current secret stops working at once: deliveries are signed with the new one, which is shown once.',
            'Rotate secret',
          )
        )
          whAction(() => api('POST', path + '/rotate_secret'), 'Secret rotated');
      }),
      b2(
        'Delete',
        async () => {
          if (
            await confirmAction(
              'Delete this endpoint?',
              `${w.url} will receive no more events.`,
              'Delete endpoint',
            )
          )
            whAction(() => api('DELETE', path), 'Endpoint deleted');
        },
        'dg',
      ),
    );
    [...acts.children].forEach((b, i) => {
      b.setAttribute('aria-describedby', id);
      b.dataset.k = w.id + i;
    });
    return h(
      'div',
      { className: 'item' },
      h(
        'div',
        { className: 'grow' },
        h(
          'div',
          { className: 'row' },
          h('span', { className: 'ti mono', id }, w.url),
          badge(w.active ? 'active' : 'disabled'),
        ),
        h('p', { className: 'mu' }, ev.includes('*') ? 'All events' : ev.join(', ')),
        w.description ? h('p', { className: 'mu' }, w.description) : null,
      ),
      acts,
    );
  }
  // Balances: one answer, not a list; the same load/clear/reset as a lister so the
  // router treats it like the other views. Sweep links use the API's explorerUrl.
  function balancesView() {
    const ul = $('balances-list'),
      B = { sig: '', seq: 0 };
    B.clear = () => {
      B.sig = '';
      B.seq++;
      ul.replaceChildren();
      $('balances-msg').textContent = '';
    };
    B.reset = () => B.load(true);
    B.load = async (fresh) => {
      const n = ++B.seq;
      if (fresh || !B.sig) {
        B.sig = '';
        ul.replaceChildren(h('li', { className: 'state' }, 'Loading…'));
      }
      let j;
      try {
        j = await api('GET', 'balances');
      } catch (err) {
        if (n != B.seq || err.handled) return;
        if (B.sig) return sectionError('balances', err);
        ul.replaceChildren(
          h(
            'li',
            { className: 'state' },
            h('strong', {}, "Couldn't load balances"),
            err.message,
            h('br'),
            b2('Try again', () => B.load(true)),
          ),
        );
        return;
      }
      if (n != B.seq) return;
      $('balances-msg').textContent = '';
      const sig = JSON.stringify(j);
      if (sig == B.sig) return;
      B.sig = sig;
      const toks = Array.isArray(j.tokens) ? j.tokens.filter((t) => t && t.token) : [];
      const sweeps = Array.isArray(j.recentSweeps) ? j.recentSweeps : [];
      // A token's symbol on the sweep's network (the same address may be another token elsewhere).
      const sym = (a, net) =>
        (
          toks.find(
            (t) =>
              String(t.token.address).toLowerCase() == String(a).toLowerCase() &&
              (net == null || t.network == null || t.network == net),
          ) || { token: {} }
        ).token.symbol || '';
      ul.replaceChildren(
        ...toks.map((t) =>
          h(
            'li',
            { className: 'item tok' },
            h(
              'span',
              { className: 'ti grow' },
              t.token.symbol + ' ',
              t.network ? h('span', { className: 'net' }, t.network) : '',
              ' ',
              h('span', { className: 'mu mono' }, t.token.address),
            ),
            h(
              'dl',
              { className: 'facts' },
              fact(
                'Waiting at deposit addresses',
                h(
                  'span',
                  { className: 'amt waiting' },
                  t.waiting == null ? '—' : `${t.waiting} ${t.token.symbol}`,
                ),
              ),
              fact(
                'Collected',
                h('span', { className: 'amt collected' }, `${t.collected} ${t.token.symbol}`),
              ),
            ),
          ),
        ),
        h(
          'li',
          { className: 'xb' },
          h('h3', {}, 'Sweep transactions'),
          sweeps.length
            ? h(
                'ul',
                { className: 'sub sweeps' },
                sweeps.map((s) => {
                  const hash = String(s.transactionHash || ''),
                    url = s.explorerUrl ? safeUrl(s.explorerUrl) : '';
                  const tx = url
                    ? h('a', {
                        className: 'mono',
                        href: url,
                        target: '_blank',
                        rel: 'noopener',
                        title: hash,
                        textContent: hash.slice(0, 10) + '…' + hash.slice(-8),
                      })
                    : h('span', { className: 'mono' }, hash);
                  return h(
                    'li',
                    { className: 'row' },
                    tx,
                    h('span', { className: 'amt' }, `${s.amount} ${sym(s.token, s.network)}`),
                    s.network ? h('span', { className: 'net' }, s.network) : '',
                    h(
                      'span',
                      { className: 'mu' },
                      `${s.sessions} session${s.sessions == 1 ? '' : 's'}, block ${s.blockNumber}`,
                    ),
                    time(s.sweptAt),
                  );
                }),
              )
            : h(
                'p',
                { className: 'mu' },
                "Nothing collected yet: make sweep sends paid sessions' funds to the treasury.",
              ),
        ),
        j.complete === false
          ? h('li', { className: 'state' }, 'Counted over the most recent sessions and sweeps only.')
          : '',
      );
    };
    return B;
  }
  // Sections, sign-in and sign-out, polling.
  const lists = {
    links: lister('links', 'payment_links', (l) => (l.id == editing ? editNode : linkRow(l)), {
      title: 'Payment links',
      empty: () =>
        empty(
          'No payment links yet',
          'Create a link, share its URL, and get paid in stablecoins.',
          h('button', {
            type: 'button',
            className: 'btn',
            textContent: 'New link',
            onclick: () => openCreate(true),
          }),
        ),
    }),
    sessions: lister('sessions', 'checkout_sessions', sessionRow, {
      title: 'Checkout sessions',
      query: () => ($('s-status').value ? '&status=' + enc($('s-status').value) : ''),
      empty: () =>
        $('s-status').value
          ? empty('No sessions with this status', '')
          : empty(
              'No checkout sessions yet',
              'A session starts each time a customer opens one of your links.',
            ),
    }),
    events: lister('events', 'events', eventRow, {
      title: 'Events',
      query: () => ($('e-type').value ? '&type=' + enc($('e-type').value) : ''),
      empty: () => empty('No events yet', 'Events are recorded as links change and customers pay.'),
    }),
    webhooks: lister('webhooks', 'webhook_endpoints', webhookRow, {
      title: 'Webhook endpoints',
      empty: () =>
        empty(
          'No webhook endpoints',
          'Add an endpoint to hear about every payment the moment it is confirmed.',
          h('button', {
            type: 'button',
            className: 'btn',
            textContent: 'Add endpoint',
            onclick: () => openWh(true),
          }),
        ),
    }),
    balances: balancesView(),
  };
  $('s-status').append(...SES.map((s) => h('option', { value: s }, label(s))));
  $('e-type').append(...TYPES.map((t) => h('option', { value: t }, t)));
  $('s-status').onchange = () => lists.sessions.reset();
  $('e-type').onchange = () => lists.events.reset();

  function signedIn(on) {
    document.body.classList.toggle('test', on && key.startsWith('sk_test_'));
    $('mode').hidden = !(on && key.startsWith('sk_test_'));
    $('out').hidden = $('nav').hidden = !on;
    $('signin').hidden = on;
  }
  function signOut(message) {
    key = '';
    try {
      sessionStorage.removeItem(KEY);
    } catch {}
    for (const n in lists) lists[n].clear();
    editing = '';
    createPanel.hidden = whPanel.hidden = true;
    opened.clear();
    eventSig.clear();
    $('secret').hidden = true;
    $('secret-val').textContent = '';
    route();
    const form = $('si-form');
    form.reset();
    if (message) showError(form, { message, param: 'key' });
    else form.elements.key.focus();
  }
  $('out').onclick = () => {
    signOut();
    toast('Signed out');
  };
  $('si-form').onsubmit = (e) => {
    e.preventDefault();
    const form = e.target,
      k = form.elements.key.value.trim();
    if (!k) return showError(form, { message: 'Enter your secret API key.', param: 'key' });
    submit(form, async () => {
      key = k;
      try {
        await api('GET', 'payment_links?limit=1');
      } catch (err) {
        key = '';
        if (err.status == 401) err.param = 'key';
        throw err;
      }
      try {
        sessionStorage.setItem(KEY, key);
      } catch {} // kept in memory only
      form.reset();
      route();
    });
  };
  function route(moved) {
    const v = location.hash.slice(1);
    view = key ? (lists[v] ? v : 'links') : '';
    signedIn(!!key);
    for (const n in lists) $('v-' + n).hidden = n != view;
    for (const a of $('nav').children)
      if (a.hash.slice(1) == view) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    document.title = (view ? $(view + '-h').firstChild.textContent.trim() : 'Sign in') + ' · paylinks';
    if (!view) return;
    lists[view].load();
    if (moved) $(view + '-h').focus();
  }
  addEventListener('hashchange', () => route(true));
  // Every few seconds for the live views; any view when the tab shows again.
  function poll(e) {
    if (!key || document.hidden || !(e || view == 'sessions' || view == 'events')) return;
    lists[view].load();
    if (view == 'events')
      for (const id of opened) if (document.querySelector(`[data-ev="${CSS.escape(id)}"]`)) loadEvent(id);
  }
  setInterval(poll, 4000);
  document.addEventListener('visibilitychange', poll);
  route();
})();
