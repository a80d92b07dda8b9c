#include "core/pages/assets.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace paylinks::pages;

TEST_CASE("page assets are compact and written for the CSP", "[pages]") {
    const std::string_view css = checkout_css(), js = checkout_js();
    CHECK(!css.empty());
    CHECK(!js.empty());
    // They ship in the worker bundle (≤ 200 KB gzipped in all).
    CHECK(css.size() + js.size() < 15 * 1024);

    // The script never writes markup it did not create, never evaluates text.
    for (std::string_view banned :
         {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
          "setAttribute('on", ".style."}) {
        INFO(banned);
        CHECK(js.find(banned) == std::string_view::npos);
    }
    // It polls, copies, counts down and redirects (as the build minified assets/checkout.js;
    // ESLint holds the source to the same rules, eslint.config.mjs).
    for (std::string_view needed :
         {"fetch(", "cache:\"no-store\"", "document.hidden", "visibilitychange",
          "navigator.clipboard", "execCommand(\"copy\")", "location.assign", "textContent",
          "\"use strict\""}) {
        INFO(needed);
        CHECK(js.find(needed) != std::string_view::npos);
    }
    // Colour schemes, reduced motion, focus, hidden.
    for (std::string_view needed : {"prefers-color-scheme:dark", "prefers-reduced-motion:reduce",
                                    ":focus-visible", "[hidden]{display:none!important}"}) {
        INFO(needed);
        CHECK(css.find(needed) != std::string_view::npos);
    }
    CHECK(css.find("@import") == std::string_view::npos);
    CHECK(css.find("url(") == std::string_view::npos); // nothing for the CSP to block
}

TEST_CASE("asset hrefs carry a content hash", "[pages]") {
    const std::string_view css = checkout_css_href(), js = checkout_js_href();
    REQUIRE(css.size() == std::string_view("/assets/checkout.css?v=").size() + 8);
    REQUIRE(js.size() == std::string_view("/assets/checkout.js?v=").size() + 8);
    CHECK(css.substr(0, 23) == "/assets/checkout.css?v=");
    CHECK(js.substr(0, 22) == "/assets/checkout.js?v=");
    for (const char c : css.substr(23))
        CHECK(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')));
    for (const char c : js.substr(22))
        CHECK(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')));
    CHECK(css.substr(23) != js.substr(22));
}

TEST_CASE("page_csp forbids inline code, plugins, framing and foreign origins", "[pages]") {
    const std::string_view csp = page_csp();
    for (std::string_view directive :
         {"default-src 'none'", "img-src 'self' data:", "style-src 'self'", "script-src 'self'",
          "connect-src 'self'", "base-uri 'none'", "form-action 'none'",
          "frame-ancestors 'none'"}) {
        INFO(directive);
        CHECK(csp.find(directive) != std::string_view::npos);
    }
    CHECK(csp.find("unsafe") == std::string_view::npos);
    CHECK(csp.find('\n') == std::string_view::npos);
}
