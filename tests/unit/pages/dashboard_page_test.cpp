#include "core/catalog/catalog.hpp"
#include "core/pages/assets.hpp"
#include "core/pages/dashboard_assets.hpp"
#include "core/pages/dashboard_page.hpp"
#include "core/util/json.hpp"
#include "support/driver.hpp"
#include "tests/unit/pages/html_scan.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace paylinks::pages;
using paylinks::pages::testing::scan_tags;
using paylinks::pages::testing::Tag;

namespace {

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

} // namespace

TEST_CASE("dashboard page: a static shell written for the CSP", "[pages][dashboard]") {
    const std::string html = render_dashboard_page();
    CHECK(html == render_dashboard_page()); // the same for everyone: it holds no data
    const auto tags = scan_tags(html);
    REQUIRE(tags.has_value());

    int scripts = 0, data_blocks = 0, label_depth = 0, fieldset_depth = 0;
    std::vector<std::string> stylesheets;
    for (const Tag& t : *tags) {
        INFO("<" << t.name << ">");
        CHECK(t.name != "style");
        CHECK(t.name != "img");
        CHECK(t.name != "iframe");
        for (const auto& [name, value] : t.attrs) {
            INFO(name);
            CHECK(name != "style");
            CHECK(name.rfind("on", 0) != 0);
        }
        if (t.name == "script" && t.attr("type") && *t.attr("type") == "application/json") {
            // The catalog, as data (never run, so the CSP has nothing to allow): exactly the
            // core's, with `<` escaped.
            ++data_blocks;
            CHECK(t.attr("id") != nullptr);
            CHECK(t.raw_text.find('<') == std::string::npos);
            const auto parsed = paylinks::parse_json(t.raw_text);
            REQUIRE(parsed.has_value());
            CHECK(paylinks::dump_json(*parsed) == paylinks::catalog::page_catalog_json());
        } else if (t.name == "script") {
            ++scripts;
            CHECK(t.raw_text.empty());
            REQUIRE(t.attr("src") != nullptr);
            CHECK(*t.attr("src") == dashboard_js_href());
            CHECK(t.has("defer"));
        }
        if (t.name == "link" && t.attr("rel") && *t.attr("rel") == "stylesheet")
            stylesheets.push_back(*t.attr("href"));
        if (t.name == "form") CHECK(t.has("novalidate")); // the API's errors are shown instead
        if (t.name == "label") ++label_depth;
        if (t.name == "/label") --label_depth;
        if (t.name == "fieldset") ++fieldset_depth;
        if (t.name == "/fieldset") --fieldset_depth;
        // Every control is labelled by the <label> around it (no ids to clash when cloned).
        if (t.name == "input" || t.name == "select" || t.name == "textarea") {
            const bool filter =
                t.attr("id") && (*t.attr("id") == "s-status" || *t.attr("id") == "e-type");
            CHECK((label_depth > 0 || filter));
            if (t.name != "select" && !(t.attr("type") && *t.attr("type") == "radio"))
                CHECK(t.has("name"));
        }
        for (const char* attr : {"href", "src", "action"}) {
            if (const std::string* url = t.attr(attr)) {
                INFO(*url);
                CHECK(url->rfind("http", 0) != 0); // nothing from another origin
            }
        }
    }
    CHECK(scripts == 1);
    CHECK(data_blocks == 1);
    REQUIRE(stylesheets.size() == 2);
    CHECK(stylesheets[0] == checkout_css_href()); // the pages' shared look
    CHECK(stylesheets[1] == dashboard_css_href());

    // The parts dashboard.js needs.
    for (std::string_view id :
         {"signin",     "si-form",    "v-links",       "v-sessions",  "v-events",
          "v-webhooks", "links-list", "sessions-list", "events-list", "webhooks-list",
          "link-form",  "t-link",     "wh-form",       "wh-types",    "secret",
          "secret-val", "dlg",        "toast",         "mode",        "out",
          "nav",        "s-status",   "e-type",        "v-balances",  "balances-list"}) {
        INFO(id);
        CHECK(testing::find_by_id(*tags, id) != nullptr);
    }
    // Field names are the API's parameter names, so an error's "param" finds its field.
    for (std::string_view name :
         {"name=\"title\"", "name=\"fiatAmount\"", "name=\"fiatCurrency\"", "name=\"description\"",
          "name=\"successUrl\"", "name=\"cancelUrl\"", "name=\"slug\"", "name=\"maxPayments\"",
          "name=\"metadata\"", "name=\"url\"", "name=\"enabledEvents\""}) {
        INFO(name);
        CHECK(contains(html, name));
    }
    CHECK(contains(html, "<noscript>"));
    CHECK(contains(html, "lang=\"en\""));
    CHECK(contains(html, "name=\"viewport\""));
}

TEST_CASE("dashboard assets: compact, hashed, and never writing markup", "[pages][dashboard]") {
    const std::string_view css = dashboard_css(), js = dashboard_js();
    // They ship in the worker bundle (≤ 200 KB gzipped in all); gzipped, page + CSS + JS stay
    // near 12 KB.
    CHECK(render_dashboard_page().size() + css.size() + js.size() < 40 * 1024);

    for (std::string_view banned :
         {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
          "setAttribute('on", ".style.", "localStorage", "http://", "https://cdn", "import("}) {
        INFO(banned);
        CHECK(js.find(banned) == std::string_view::npos);
    }
    for (std::string_view needed :
         {"\"use strict\"", "sessionStorage", "textContent", "\"Bearer \"", "starting_after",
          "rotate_secret", "/resend", "showModal", "document.hidden", "navigator.clipboard",
          "preventDefault", "sk_test_", "\"catalog\""}) {
        INFO(needed);
        CHECK(js.find(needed) != std::string_view::npos);
    }
    // Statuses, event types, currencies and explorers come from the page's catalog, not from
    // a copy in the script.
    for (std::string_view copied :
         {"basescan.org", "etherscan.io", "\"paid_late\"", "\"underpaid\"", "\"reorged\"",
          "\"checkout_session.", "\"EUR\"", "\"JPY\""}) {
        INFO(copied);
        CHECK(js.find(copied) == std::string_view::npos);
    }
    // Served minified (assets/dashboard.js through esbuild): no indentation or comments, one
    // function expression run at once.
    CHECK(js.find("\n ") == std::string_view::npos);
    CHECK(js.find("\n\n") == std::string_view::npos);
    CHECK(js.find(" // ") == std::string_view::npos);
    CHECK(js.find("\n//") == std::string_view::npos);
    CHECK(js.substr(0, 6) == "(()=>{");
    CHECK(js.substr(js.size() - 5) == "})();");
    CHECK(css.find("@import") == std::string_view::npos);
    CHECK(css.find("url(") == std::string_view::npos);
    CHECK(css.find(":focus-visible") != std::string_view::npos);

    const std::string_view css_href = dashboard_css_href(), js_href = dashboard_js_href();
    REQUIRE(css_href.size() == std::string_view("/assets/dashboard.css?v=").size() + 8);
    REQUIRE(js_href.size() == std::string_view("/assets/dashboard.js?v=").size() + 8);
    CHECK(css_href.substr(0, 24) == "/assets/dashboard.css?v=");
    CHECK(js_href.substr(0, 23) == "/assets/dashboard.js?v=");
    for (const char c : js_href.substr(23))
        CHECK(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')));
}

TEST_CASE("GET /dashboard and its assets, with the pages' headers", "[pages][dashboard]") {
    paylinks::testing::Driver driver;
    auto page = driver.request("GET", "/dashboard");
    CHECK(page.status == 200);
    CHECK(page.body == render_dashboard_page());
    CHECK(page.headers["content-type"] == "text/html; charset=utf-8");
    CHECK(page.headers["content-security-policy"] == std::string(page_csp()));
    CHECK(page.headers["x-frame-options"] == "DENY");
    CHECK(page.headers["referrer-policy"] == "no-referrer");
    CHECK(page.headers["x-content-type-options"] == "nosniff");

    auto js = driver.request("GET", std::string(dashboard_js_href()));
    CHECK(js.status == 200);
    CHECK(js.body == dashboard_js());
    CHECK(js.headers["content-type"] == "text/javascript; charset=utf-8");
    CHECK(js.headers["cache-control"] == "public, max-age=31536000, immutable");
    auto css = driver.request("GET", "/assets/dashboard.css");
    CHECK(css.status == 200);
    CHECK(css.body == dashboard_css());
    CHECK(css.headers["content-type"] == "text/css; charset=utf-8");

    CHECK(driver.request("POST", "/dashboard").status == 405);
    CHECK(driver.request("GET", "/assets/dashboard.map").status == 404);
}
