#include "core/pages/dashboard_page.hpp"

#include "core/catalog/catalog.hpp"
#include "core/pages/dashboard_assets.hpp"
#include "core/pages/layout.hpp"

#include <string_view>

namespace paylinks::pages {

namespace {

// The shell. dashboard.js fills the lists; forms are plain markup so they work with the
// keyboard and screen readers as they are. Field names are the API's parameter names, so an
// API error's "param" finds its field. Fields sit inside their <label> (no ids to clash when
// the link form is cloned for editing in place).

constexpr std::string_view kHeader =
    R"html(<header class="top"><div class="bar"><a class="brand" href="/dashboard"><span class="logo" aria-hidden="true"></span>paylinks</a><span id="mode" class="badge b-warn" hidden>Test mode</span><span class="sp"></span><button id="out" class="b2" type="button" hidden>Sign out</button></div><nav id="nav" class="tabs" aria-label="Dashboard" hidden><a href="#links">Links</a><a href="#sessions">Sessions</a><a href="#events">Events</a><a href="#webhooks">Webhooks</a><a href="#balances">Balances</a></nav></header>)html";

constexpr std::string_view kSignIn =
    R"html(<main id="main" class="dw"><noscript><p class="card">The dashboard needs JavaScript. Your payment links and checkout pages work without it.</p></noscript><section id="signin" class="card login" aria-labelledby="si-h" hidden><h1 id="si-h">Sign in</h1><p class="mu">Enter your secret API key. It stays in this browser tab and is forgotten when the tab closes.</p><form id="si-form" class="stack" novalidate><label class="f"><span>Secret API key</span><input name="key" type="password" autocomplete="off" spellcheck="false" autocapitalize="off" placeholder="sk_live_… or sk_test_…"></label><div class="ferr"></div><button class="btn" type="submit">Sign in</button></form></section>)html";

constexpr std::string_view kLinks =
    R"html(<section id="v-links" class="view" aria-labelledby="links-h" hidden><div class="vh"><h1 id="links-h" tabindex="-1">Payment links</h1><button id="new-link" class="btn" type="button" aria-expanded="false" aria-controls="create-link">New link</button></div><div id="create-link" class="card panel" hidden><h2>New payment link</h2><form id="link-form" novalidate></form></div><div id="links-msg" class="msg" role="alert"></div><ul id="links-list" class="list"></ul></section>)html";

constexpr std::string_view kSessions =
    R"html(<section id="v-sessions" class="view" aria-labelledby="sessions-h" hidden><div class="vh"><h1 id="sessions-h" tabindex="-1">Checkout sessions <span class="live">Live</span></h1><label class="filter"><span>Status</span><select id="s-status"><option value="">All</option></select></label></div><div id="sessions-msg" class="msg" role="alert"></div><ul id="sessions-list" class="list"></ul></section>)html";

constexpr std::string_view kEvents =
    R"html(<section id="v-events" class="view" aria-labelledby="events-h" hidden><div class="vh"><h1 id="events-h" tabindex="-1">Events <span class="live">Live</span></h1><label class="filter"><span>Type</span><select id="e-type"><option value="">All events</option></select></label></div><div id="events-msg" class="msg" role="alert"></div><ul id="events-list" class="list"></ul></section>)html";

constexpr std::string_view kWebhooks =
    R"html(<section id="v-webhooks" class="view" aria-labelledby="webhooks-h" hidden><div class="vh"><h1 id="webhooks-h" tabindex="-1">Webhook endpoints</h1><button id="new-wh" class="btn" type="button" aria-expanded="false" aria-controls="create-wh">Add endpoint</button></div><div id="secret" class="card reveal" tabindex="-1" hidden><h2 id="secret-h">Signing secret</h2><p>Copy it now and keep it with your server's configuration: it is shown only once. Verify each delivery's <code>webhook-signature</code> with it.</p><p id="secret-for" class="mu mono"></p><div class="row"><code id="secret-val" class="sec"></code><button id="secret-copy" class="b2" type="button">Copy secret</button></div><button id="secret-done" class="b2" type="button">Done</button></div><div id="create-wh" class="card panel" hidden><h2>New webhook endpoint</h2><form id="wh-form" class="stack" novalidate><label class="f"><span>Endpoint URL</span><input name="url" type="url" placeholder="https://shop.example/webhooks/paylinks" spellcheck="false"></label><fieldset class="f" name="enabledEvents"><legend>Events to send</legend><label class="ck"><input type="radio" name="scope" value="all" checked> All events</label><label class="ck"><input type="radio" name="scope" value="some"> Selected events</label><div id="wh-types" class="types" hidden></div></fieldset><label class="f"><span>Description <i>optional</i></span><input name="description" maxlength="500"></label><div class="ferr"></div><div class="acts"><button class="btn" type="submit">Add endpoint</button><button class="b2 x" type="button">Cancel</button></div></form></div><div id="webhooks-msg" class="msg" role="alert"></div><ul id="webhooks-list" class="list"></ul></section>)html";

// What is waiting at deposit addresses and what `make sweep` has collected, per token.
constexpr std::string_view kBalances =
    R"html(<section id="v-balances" class="view" aria-labelledby="balances-h" hidden><div class="vh"><h1 id="balances-h" tabindex="-1">Balances</h1></div><div id="balances-msg" class="msg" role="alert"></div><ul id="balances-list" class="list"></ul></section></main>)html";

// The link form's fields: cloned into the create panel and into a row being edited.
constexpr std::string_view kLinkForm =
    R"html(<template id="t-link"><div class="grid"><label class="f wide"><span>Title</span><input name="title" maxlength="200" placeholder="Conference ticket"></label><label class="f"><span>Price</span><input name="fiatAmount" inputmode="decimal" autocomplete="off" placeholder="25.00"></label><label class="f"><span>Currency</span><select name="fiatCurrency"></select></label><label class="f wide"><span>Description <i>optional</i></span><textarea name="description" maxlength="500" rows="2"></textarea></label><label class="f wide"><span>Success URL <i>optional — where customers go once paid</i></span><input name="successUrl" type="url" spellcheck="false" placeholder="https://shop.example/thanks"></label><label class="f wide"><span>Cancel URL <i>optional</i></span><input name="cancelUrl" type="url" spellcheck="false" placeholder="https://shop.example/cart"></label><label class="f"><span>Sell at most <i>optional</i></span><input name="maxPayments" inputmode="numeric" autocomplete="off" placeholder="No limit"></label><label class="f wide"><span>Metadata <i>optional — key=value lines</i></span><textarea name="metadata" rows="2" spellcheck="false"></textarea></label><label class="f wide slug"><span>Custom slug <i>optional — the end of the link's URL</i></span><input name="slug" spellcheck="false" autocapitalize="off" placeholder="spring-sale"></label></div><div class="ferr"></div><div class="acts"><button class="btn" type="submit">Create link</button><button class="b2 x" type="button">Cancel</button></div></template>)html";

constexpr std::string_view kDialogs =
    R"html(<dialog id="dlg" aria-labelledby="dlg-h" aria-describedby="dlg-m"><h2 id="dlg-h"></h2><p id="dlg-m"></p><div class="acts"><button id="dlg-no" class="b2" type="button">Cancel</button><button id="dlg-ok" class="btn dg" type="button"></button></div></dialog><div id="toast" class="toast" role="status" aria-live="polite"></div>)html";

} // namespace

std::string render_dashboard_page() {
    const std::string head =
        detail::join({"<link rel=\"stylesheet\" href=\"", dashboard_css_href(), "\"><script src=\"",
                      dashboard_js_href(), "\" defer></script>"});
    std::string out;
    out.reserve(12000);
    detail::open_document(out, {.title = "Dashboard · paylinks", .script = false, .extra = head});
    for (const std::string_view part :
         {kHeader, kSignIn, kLinks, kSessions, kEvents, kWebhooks, kBalances, kLinkForm, kDialogs})
        out += part;
    // The statuses, event types, currencies and networks dashboard.js shows, from the core's
    // own tables: a data block, which the CSP lets through because it never runs. `<` is
    // escaped so that no text in it can close the element.
    out += "<script id=\"catalog\" type=\"application/json\">";
    for (const char c : catalog::page_catalog_json()) {
        if (c == '<')
            out += "\\u003c";
        else
            out += c;
    }
    out += "</script>";
    detail::close_document(out);
    return out;
}

} // namespace paylinks::pages
