#include "core/pages/error_page.hpp"
#include "core/pages/html.hpp"
#include "core/pages/link_preview.hpp"
#include "tests/unit/pages/html_scan.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace paylinks::pages;
using paylinks::pages::testing::count_named;
using paylinks::pages::testing::scan_tags;
using paylinks::pages::testing::Tag;

namespace {

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

/// No inline script or style, no event handler, no style attribute.
void require_csp_clean(const std::string& html) {
    const auto tags = scan_tags(html);
    REQUIRE(tags.has_value());
    for (const Tag& t : *tags) {
        INFO("<" << t.name << ">");
        CHECK(t.name != "style");
        CHECK(t.name != "script"); // neither page needs one
        CHECK(t.name != "img");
        for (const auto& [name, value] : t.attrs) {
            INFO(name);
            CHECK(name != "style");
            CHECK(name.rfind("on", 0) != 0);
        }
    }
}

/// content of <meta property|name="key">, or nullptr.
const std::string* meta(const std::vector<Tag>& tags, std::string_view key) {
    for (const Tag& t : tags) {
        if (t.name != "meta") continue;
        const std::string* name = t.attr("property");
        if (!name) name = t.attr("name");
        if (name && *name == key) return t.attr("content");
    }
    return nullptr;
}

const std::string_view kHostile[] = {
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "'><svg onload=alert(1)>",
    "</title><script>alert(1)</script>",
};

} // namespace

TEST_CASE("error page: heading, message and status, in the page style", "[pages]") {
    const std::string html = render_error_page(404, "Payment link not found",
                                               "This link does not exist or is no longer active.");
    require_csp_clean(html);
    const auto tags = scan_tags(html);
    REQUIRE(tags.has_value());
    CHECK(html.rfind("<!doctype html>", 0) == 0);
    CHECK(contains(html, "<html lang=\"en\">"));
    CHECK(contains(html, "name=\"viewport\""));
    CHECK(contains(html, "<title>Payment link not found</title>"));
    CHECK(count_named(*tags, "h1") == 1);
    CHECK(count_named(*tags, "main") == 1);
    CHECK(contains(html, "<h1>Payment link not found</h1>"));
    CHECK(contains(html, "This link does not exist or is no longer active."));
    CHECK(contains(html, "Error 404"));
    CHECK(contains(html, "/assets/checkout.css?v="));

    CHECK(contains(render_error_page(410, "Gone", "This link has expired."), "Error 410"));
    CHECK_FALSE(contains(render_error_page(500, "Oops", ""), "class=\"desc\""));
}

TEST_CASE("error page escapes its texts", "[pages]") {
    for (const std::string_view payload : kHostile) {
        INFO(payload);
        const std::string html = render_error_page(404, payload, payload);
        CHECK_FALSE(contains(html, payload));
        CHECK(contains(html, "<h1>" + escape_html(payload) + "</h1>"));
        require_csp_clean(html);
    }
}

TEST_CASE("link preview: Open Graph and Twitter card metadata", "[pages]") {
    const std::string html =
        render_link_preview("Annual plan", std::string_view("One year of Acme Pro"), "150.00 USD",
                            "https://pay.example/l/acme-pro");
    require_csp_clean(html);
    const auto tags = scan_tags(html);
    REQUIRE(tags.has_value());
    struct Case {
        const char* key;
        const char* content;
    };
    const Case cases[] = {
        {"og:type", "website"},
        {"og:title", "Annual plan"},
        {"og:description", "150.00 USD — One year of Acme Pro"},
        {"og:url", "https://pay.example/l/acme-pro"},
        {"twitter:card", "summary"},
        {"twitter:title", "Annual plan"},
        {"twitter:description", "150.00 USD — One year of Acme Pro"},
        {"description", "150.00 USD — One year of Acme Pro"},
    };
    for (const Case& c : cases) {
        INFO(c.key);
        const std::string* content = meta(*tags, c.key);
        REQUIRE(content != nullptr);
        CHECK(*content == c.content);
    }
    CHECK(contains(html, "<link rel=\"canonical\" href=\"https://pay.example/l/acme-pro\">"));
    CHECK(contains(html, "<title>Annual plan · 150.00 USD</title>"));
    CHECK(count_named(*tags, "h1") == 1);
    CHECK(contains(
        html, "<a class=\"btn\" href=\"https://pay.example/l/acme-pro\">Continue to payment</a>"));
}

TEST_CASE("link preview: no description, long description, odd canonical URL", "[pages]") {
    auto tags = scan_tags(
        render_link_preview("Tip jar", std::nullopt, "5.00 USD", "https://pay.example/l/tips"));
    REQUIRE(tags.has_value());
    CHECK(*meta(*tags, "og:description") == "5.00 USD");

    // Shortened to 200 code points on a character boundary ("é" is two bytes).
    std::string long_text;
    for (int i = 0; i < 300; ++i)
        long_text += "\xc3\xa9";
    tags = scan_tags(
        render_link_preview("T", std::string_view(long_text), "1.00 USD", "https://p.example/l/t"));
    REQUIRE(tags.has_value());
    std::string expected = "1.00 USD — ";
    for (int i = 0; i < 200; ++i)
        expected += "\xc3\xa9";
    expected += "…";
    CHECK(*meta(*tags, "og:description") == expected);

    const std::string html =
        render_link_preview("T", std::nullopt, "1.00 USD", "javascript:alert(1)");
    tags = scan_tags(html);
    REQUIRE(tags.has_value());
    CHECK(meta(*tags, "og:url") == nullptr);
    CHECK_FALSE(contains(html, "javascript:"));
    CHECK_FALSE(contains(html, "Continue to payment"));
}

TEST_CASE("link preview escapes every input", "[pages]") {
    for (const std::string_view payload : kHostile) {
        INFO(payload);
        std::string url = "https://pay.example/l/" + std::string(payload);
        std::replace(url.begin(), url.end(), ' ', '+'); // URLs never hold spaces
        const std::string html = render_link_preview(payload, payload, payload, url);
        CHECK_FALSE(contains(html, payload));
        CHECK(contains(html, escape_html(payload)));
        require_csp_clean(html);
        const auto tags = scan_tags(html);
        REQUIRE(tags.has_value());
        for (const char* key : {"og:title", "twitter:title", "og:url"})
            REQUIRE(meta(*tags, key) != nullptr);
        CHECK(*meta(*tags, "og:title") == payload);
        CHECK(*meta(*tags, "twitter:title") == payload);
        CHECK(*meta(*tags, "og:url") == url);
        CHECK(count_named(*tags, "meta") ==
              13); // charset, viewport, color-scheme, robots, referrer + 8
    }
}
