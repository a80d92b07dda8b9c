#include "core/pages/checkout_page.hpp"
#include "core/pages/html.hpp"
#include "core/util/time.hpp"
#include "tests/unit/pages/html_scan.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace paylinks;
using namespace paylinks::pages;
using paylinks::pages::testing::count_named;
using paylinks::pages::testing::find_by_id;
using paylinks::pages::testing::scan_tags;
using paylinks::pages::testing::Tag;
using paylinks::pages::testing::text_after_id;

namespace {

constexpr std::string_view kQr =
    "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 20 20\" "
    "preserveAspectRatio=\"xMinYMin meet\"><rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
    "<path d=\"M4,4l4,0 0,4 -4,0 0,-4z\" stroke=\"transparent\" fill=\"black\"/></svg>";
constexpr std::string_view kUri =
    "ethereum:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913@8453/transfer?"
    "address=0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed&uint256=150000000";
const std::string kHash = "0x" + std::string(64, 'a');

std::int64_t at(const char* iso) {
    const auto ms = time::parse_iso8601(iso);
    REQUIRE(ms.has_value());
    return *ms;
}

CheckoutView sample() {
    CheckoutView v;
    v.session_id = "cs_01JDX8Z3K4M5N6P7Q8R9S0T1V2";
    v.title = "Annual plan";
    v.description = "One year of Acme Pro";
    v.fiat_amount = "150.00";
    v.fiat_currency = "USD";
    v.token_symbol = "USDC";
    v.amount_due = "150.000000";
    v.amount_received = "0.000000";
    v.network_name = "Base";
    v.chain_id = 8453;
    v.token_address = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";
    v.deposit_address = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    v.payment_uri = std::string(kUri);
    v.qr_svg = std::string(kQr);
    v.status = "open";
    v.now_ms = at("2026-11-22T05:00:00Z");
    v.expires_at_ms = at("2026-11-22T05:30:00Z");
    v.success_url = "https://merchant.example/thanks?order=42&ref=a";
    v.cancel_url = "https://merchant.example/cart";
    v.explorer_tx_url = "https://basescan.org/tx/";
    v.confirmations_required = 3;
    v.livemode = true;
    return v;
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

std::vector<Tag> tags_of(const std::string& html) {
    auto tags = scan_tags(html);
    REQUIRE(tags.has_value());
    return *tags;
}

/// What page_csp() forbids or the pages promise never to do, checked element by element.
void require_csp_clean(const std::string& html) {
    const auto tags = tags_of(html);
    bool in_noscript = false;
    for (const Tag& t : tags) {
        INFO("<" << t.name << ">");
        if (t.name == "noscript") in_noscript = true;
        if (t.name == "/noscript") in_noscript = false;
        CHECK(t.name != "style");
        CHECK(t.name != "iframe");
        CHECK(t.name != "object");
        CHECK(t.name != "embed");
        CHECK(t.name != "form");
        CHECK(t.name != "base");
        CHECK(t.name != "img");
        if (t.name == "script") {
            CHECK(t.raw_text.empty());
            const std::string* src = t.attr("src");
            REQUIRE(src != nullptr);
            CHECK(src->rfind("/assets/", 0) == 0);
        }
        if (t.name == "meta" && t.has("http-equiv")) CHECK(in_noscript); // refresh only without JS
        for (const auto& [name, value] : t.attrs) {
            INFO(name << "=" << value);
            CHECK(name != "style");
            CHECK(name.rfind("on", 0) != 0);
            if (name == "href" || name == "src" || name == "action" || name == "formaction") {
                const bool safe = value.rfind("/", 0) == 0 || value.rfind("data:,", 0) == 0 ||
                                  value.rfind("ethereum:", 0) == 0 || is_http_url(value);
                CHECK(safe);
            }
        }
    }
}

std::vector<std::string> tag_names(const std::string& html) {
    std::vector<std::string> names;
    for (const Tag& t : tags_of(html))
        names.push_back(t.name);
    return names;
}

std::vector<std::string> without_spans(std::vector<std::string> names) {
    names.erase(std::remove_if(names.begin(), names.end(),
                               [](const std::string& n) { return n == "span" || n == "/span"; }),
                names.end());
    return names;
}

} // namespace

TEST_CASE("checkout page: everything needed to pay is there without JavaScript", "[pages]") {
    const CheckoutView v = sample();
    const std::string html = render_checkout_page(v);
    const auto tags = tags_of(html);
    require_csp_clean(html);

    CHECK(html.rfind("<!doctype html>", 0) == 0);
    CHECK(contains(html, "<html lang=\"en\">"));
    CHECK(
        contains(html, "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"));
    CHECK(contains(html, "<title>Annual plan · 150.00 USD</title>"));
    CHECK(count_named(tags, "h1") == 1);
    CHECK(count_named(tags, "main") == 1);
    CHECK(count_named(tags, "footer") == 1);
    CHECK(contains(html, "<h1>Annual plan</h1>"));
    CHECK(contains(html, "One year of Acme Pro"));
    CHECK(contains(html, "<p class=\"price\">150.00 USD</p>"));
    // The exact token amount, the network and chain, the token contract.
    CHECK(text_after_id(html, "amount-due") == "150.000000");
    CHECK(contains(
        html, "<span id=\"amount-due\">150.000000</span> <span id=\"amount-sym\">USDC</span>"));
    CHECK(contains(html, "Send exactly 150.000000 USDC on Base."));
    CHECK(contains(html, "<span id=\"net-name\">Base</span> <span class=\"small\">(chain ID <span "
                         "id=\"net-chain\">8453</span>)</span>"));
    CHECK(contains(html, "Send only USDC on Base (chain ID 8453)"));
    // The deposit address in full: grouped for reading, whole for copying.
    const Tag* copy_address = nullptr;
    for (const Tag& t : tags)
        if (t.name == "button" && t.attr("data-select")) copy_address = &t;
    REQUIRE(copy_address != nullptr);
    CHECK(*copy_address->attr("data-copy") == v.deposit_address);
    CHECK(copy_address->has("hidden")); // shown by checkout.js
    CHECK(contains(html,
                   "<code id=\"address\" class=\"addr grp\"><span>0x5aAe</span><span>b605</span>"
                   "<span>3F3E</span><span>94C9</span><span>b9A0</span><span>9f33</span>"
                   "<span>6694</span><span>35E7</span><span>Ef1B</span><span>eAed</span></code>"));
    const Tag* copy_amount = find_by_id(tags, "copy-amount");
    REQUIRE(copy_amount != nullptr);
    CHECK(*copy_amount->attr("data-copy") == "150.000000");
    // The QR code (as given, inside a labelled image role) and the wallet link.
    CHECK(contains(html, kQr));
    const Tag* qr = find_by_id(tags, "qr");
    REQUIRE(qr != nullptr);
    CHECK(*qr->attr("role") == "img");
    CHECK(*qr->attr("aria-label") ==
          "QR code of the payment request: 150.000000 USDC on Base to " + v.deposit_address);
    CHECK_FALSE(qr->has("hidden"));
    const Tag* wallet = find_by_id(tags, "wallet");
    REQUIRE(wallet != nullptr);
    CHECK(*wallet->attr("href") == kUri);
    CHECK(*wallet->attr("data-uri") == kUri);
    CHECK_FALSE(wallet->has("hidden"));
    CHECK(text_after_id(html, "wallet") == "Open in wallet");
    // Cancel, expiry, status, the no-JS refresh.
    const Tag* cancel = find_by_id(tags, "cancel-link");
    REQUIRE(cancel != nullptr);
    CHECK(*cancel->attr("href") == "https://merchant.example/cart");
    CHECK(text_after_id(html, "countdown") == "30:00");
    CHECK(contains(html,
                   "<time id=\"expires\" datetime=\"2026-11-22T05:30:00.000Z\">05:30 UTC</time>"));
    CHECK(text_after_id(html, "st-title") == "Awaiting payment");
    const Tag* live = find_by_id(tags, "st");
    REQUIRE(live != nullptr);
    CHECK(*live->attr("role") == "status");
    CHECK(*live->attr("aria-live") == "polite");
    CHECK(contains(html, "<noscript><meta http-equiv=\"refresh\" content=\"30\"></noscript>"));
    CHECK(contains(html, "JavaScript is off: this page reloads every 30 seconds"));
    CHECK(find_by_id(tags, "received")->has("hidden")); // nothing received yet
    CHECK_FALSE(contains(html, "Test mode"));           // live mode
}

TEST_CASE("checkout page: the data-* attributes checkout.js reads", "[pages]") {
    CheckoutView v = sample();
    v.session_id = "cs_\"><script>x</script>&/";
    v.success_url = "https://merchant.example/ok?a=1&b=\"2\"";
    const std::string html = render_checkout_page(v);
    const auto tags = tags_of(html);
    const Tag* root = find_by_id(tags, "checkout");
    REQUIRE(root != nullptr);
    CHECK(root->name == "main");
    CHECK(*root->attr("data-session-id") == v.session_id);
    CHECK(*root->attr("data-status-url") ==
          "/c/cs_%22%3E%3Cscript%3Ex%3C%2Fscript%3E%26%2F/status");
    CHECK(*root->attr("data-status") == "open");
    CHECK(*root->attr("data-now") == std::to_string(v.now_ms));
    CHECK(*root->attr("data-expires-at") == std::to_string(v.expires_at_ms));
    CHECK(*root->attr("data-success-url") == *v.success_url);
    CHECK(*root->attr("data-amount-due") == "150.000000");
    CHECK(*root->attr("data-amount-received") == "0.000000");
    CHECK(*root->attr("data-symbol") == "USDC");
    CHECK(*root->attr("data-network") == "Base");
    CHECK(*root->attr("data-confirmations-required") == "3");
    CHECK(*root->attr("data-explorer-tx-url") == "https://basescan.org/tx/");
    CHECK(
        contains(html, "data-success-url=\"https://merchant.example/ok?a=1&amp;b=&quot;2&quot;\""));
    CHECK_FALSE(contains(html, "<script>x"));
    require_csp_clean(html);

    v.success_url = "javascript:alert(1)";
    v.explorer_tx_url = "javascript:alert(2)//";
    const auto bad = tags_of(render_checkout_page(v));
    CHECK_FALSE(find_by_id(bad, "checkout")->has("data-success-url"));
    CHECK_FALSE(find_by_id(bad, "checkout")->has("data-explorer-tx-url"));
    CHECK(find_by_id(bad, "done-link") == nullptr);
}

TEST_CASE("checkout page: hostile merchant and customer text stays text", "[pages]") {
    const std::string_view payloads[] = {
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "'><svg onload=alert(1)>",
        "</title><script>alert(1)</script>",
        "</noscript><img src=x onerror=alert(1)>",
        "<!--",
        "&lt;b&gt;pre-escaped&lt;/b&gt;",
    };
    const std::vector<std::string> benign = tag_names(render_checkout_page(sample()));
    for (const std::string_view payload : payloads) {
        INFO(payload);
        const std::string p(payload);
        CheckoutView v = sample();
        v.title = p;
        v.description = "desc " + p;
        v.fiat_currency = p;
        v.token_symbol = p;
        v.network_name = p;
        v.amount_due = p;
        v.amount_received = p;
        v.token_address = p;
        v.deposit_address = p;
        v.session_id = p;
        v.status = p;
        std::string in_url = p; // URLs never hold spaces (is_http_url)
        std::replace(in_url.begin(), in_url.end(), ' ', '+');
        v.success_url = "https://merchant.example/" + in_url;
        v.cancel_url = "https://merchant.example/" + in_url;
        v.payments = {{p, p, 1, false}};
        const std::string html = render_checkout_page(v);
        CHECK_FALSE(contains(html, payload));
        CHECK(contains(html, escape_html(payload)));
        require_csp_clean(html);
        // The same elements as with benign text, plus the payment's <li> (spans aside: the
        // addresses are grouped into spans of four characters, so their number varies).
        std::vector<std::string> expected = without_spans(benign);
        expected.insert(std::find(expected.begin(), expected.end(), "/ul"), {"li", "/li"});
        CHECK(without_spans(tag_names(html)) == expected);
        CHECK(count_named(tags_of(html), "script") == 1);
        CHECK(count_named(tags_of(html), "svg") == 1);
    }
}

TEST_CASE("checkout page: every status has its message and state", "[pages]") {
    struct Case {
        std::string status;
        std::string received;
        std::vector<PaymentView> payments;
        std::string title;
        std::string detail;
        bool payable; // amount, address, QR, wallet link shown
        bool success; // return link shown, timer and cancel hidden
    };
    const std::vector<Case> cases = {
        {"open",
         "0.000000",
         {},
         "Awaiting payment",
         "Send exactly 150.000000 USDC on Base. This page updates when it arrives.",
         true,
         false},
        {"detected",
         "0.000000",
         {{kHash, "150.000000", 1, false}},
         "Payment detected — waiting for 3 confirmations",
         "1 of 3 so far. Keep this page open.",
         true,
         false},
        {"detected",
         "0.000000",
         {{kHash, "100.000000", 2, false}, {kHash, "50.000000", 0, false}},
         "Payment detected — waiting for 3 confirmations",
         "0 of 3 so far. Keep this page open.",
         true,
         false},
        {"underpaid",
         "100.000000",
         {{kHash, "100.000000", 3, true}},
         "Received 100.000000 of 150.000000 USDC — send the remaining 50.000000 USDC",
         "Send it to the same address on Base before the time runs out.",
         true,
         false},
        {"paid",
         "150.000000",
         {{kHash, "150.000000", 5, true}},
         "Payment received",
         "Thank you — 150.000000 USDC confirmed on Base.",
         false,
         true},
        {"overpaid",
         "175.500000",
         {{kHash, "175.500000", 5, true}},
         "Payment received",
         "You sent 175.500000 USDC, 25.500000 USDC more than due. Contact the merchant about the "
         "difference.",
         false,
         true},
        {"paid_late",
         "150.000000",
         {{kHash, "150.000000", 5, true}},
         "Payment received",
         "It arrived after the time limit and was accepted. Thank you.",
         false,
         true},
        {"expired",
         "0.000000",
         {},
         "This checkout has expired",
         "Do not send a payment to this address. If you already sent one, keep this page open or "
         "contact the merchant.",
         false,
         false},
        {"mystery", "0.000000", {}, "Status: mystery", "", true, false},
    };
    for (const Case& c : cases) {
        INFO(c.status);
        CheckoutView v = sample();
        v.status = c.status;
        v.amount_received = c.received;
        v.payments = c.payments;
        const StatusMessage message = status_message(v);
        CHECK(message.title == c.title);
        CHECK(message.detail == c.detail);
        CHECK(is_success_status(c.status) == c.success);

        const std::string html = render_checkout_page(v);
        require_csp_clean(html);
        const auto tags = tags_of(html);
        CHECK(text_after_id(html, "st-title") == c.title);
        CHECK(text_after_id(html, "st-detail") == c.detail);
        CHECK(*find_by_id(tags, "checkout")->attr("data-status") == c.status);
        CHECK(find_by_id(tags, "pay")->has("hidden") == !c.payable);
        CHECK(find_by_id(tags, "done-link")->has("hidden") == !c.success);
        CHECK(find_by_id(tags, "timer")->has("hidden") == c.success);
        CHECK(find_by_id(tags, "cancel")->has("hidden") == c.success);
        CHECK(find_by_id(tags, "received")->has("hidden") == c.payments.empty());
        CHECK(contains(html, "http-equiv=\"refresh\"") == c.payable);
        if (c.status == "expired") {
            CHECK(text_after_id(html, "timer-verb") == "Expired");
            CHECK(find_by_id(tags, "timer-left")->has("hidden"));
            CHECK(text_after_id(html, "cancel-link") == "Return to the merchant");
        } else {
            CHECK(text_after_id(html, "cancel-link") == "Cancel and return to the merchant");
        }
    }
}

TEST_CASE("checkout page: an underpaid session asks for exactly the rest", "[pages]") {
    CheckoutView v = sample();
    v.status = "underpaid";
    v.amount_received = "100.250000";
    v.payments = {{kHash, "100.250000", 3, true}};
    std::string html = render_checkout_page(v);
    auto tags = tags_of(html);
    CHECK(text_after_id(html, "pay-h") == "Send the remaining");
    CHECK(text_after_id(html, "amount-due") == "49.750000");
    CHECK(*find_by_id(tags, "copy-amount")->attr("data-copy") == "49.750000");
    const Tag* wallet = find_by_id(tags, "wallet");
    CHECK(*wallet->attr("href") ==
          "ethereum:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913@8453/transfer?"
          "address=0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed&uint256=49750000");
    CHECK(*wallet->attr("data-uri") == kUri); // the full request, for checkout.js
    CHECK_FALSE(wallet->has("hidden"));
    CHECK(find_by_id(tags, "qr")->has("hidden")); // the QR asks for the full amount
    CHECK_FALSE(find_by_id(tags, "qr-note")->has("hidden"));
    CHECK(text_after_id(html, "qr-rem") == "49.750000 USDC");
    CHECK(text_after_id(html, "amount-received") == "100.250000");

    // A URI whose amount is not the amount due cannot be rewritten: no wallet link then.
    v.payment_uri = "ethereum:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913@8453/transfer?"
                    "address=0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed&uint256=1";
    tags = tags_of(render_checkout_page(v));
    CHECK(find_by_id(tags, "wallet")->has("hidden"));
}

TEST_CASE("checkout page: links only to http(s) and ethereum: URLs", "[pages]") {
    struct Case {
        std::optional<std::string> url;
        bool linked;
    };
    const std::vector<Case> cases = {
        {std::nullopt, false},
        {"https://merchant.example/cart", true},
        {"http://localhost:3000/cart", true},
        {"javascript:alert(1)", false},
        {"JAVASCRIPT:alert(1)", false},
        {"data:text/html,<script>alert(1)</script>", false},
        {"//evil.example/", false},
        {"/relative", false},
        {"", false},
        {"https://merchant.example/\"><script>alert(1)</script>", true}, // escaped, still inert
    };
    for (const Case& c : cases) {
        INFO((c.url ? *c.url : "(none)"));
        CheckoutView v = sample();
        v.cancel_url = c.url;
        v.success_url = c.url;
        v.status = "paid";
        const std::string html = render_checkout_page(v);
        const auto tags = tags_of(html);
        require_csp_clean(html);
        const Tag* cancel = find_by_id(tags, "cancel-link");
        const Tag* done = find_by_id(tags, "done-link");
        CHECK((cancel != nullptr) == c.linked);
        CHECK((done != nullptr) == c.linked);
        CHECK(find_by_id(tags, "checkout")->has("data-success-url") == c.linked);
        if (c.linked) {
            CHECK(*cancel->attr("href") == *c.url);
            CHECK(*done->attr("href") == *c.url);
        }
        CHECK_FALSE(contains(html, "<script>alert"));
    }

    // The wallet link is only ever an ethereum: URI.
    CheckoutView v = sample();
    v.payment_uri = "javascript:alert(1)";
    CHECK(find_by_id(tags_of(render_checkout_page(v)), "wallet") == nullptr);
    v.payment_uri = std::string(kUri) + "\"><img src=x onerror=alert(1)>";
    CHECK(find_by_id(tags_of(render_checkout_page(v)), "wallet") == nullptr);
}

TEST_CASE("checkout page: payments list, with explorer links for real hashes only", "[pages]") {
    CheckoutView v = sample();
    v.status = "detected";
    v.payments = {{kHash, "150.000000", 1, false}, {"0xnot-a-hash", "1.000000", 9, true}};
    std::string html = render_checkout_page(v);
    require_csp_clean(html);
    CHECK(contains(html, "<li><a class=\"mono\" href=\"https://basescan.org/tx/" + kHash +
                             "\" target=\"_blank\" rel=\"noopener noreferrer\" title=\"" + kHash +
                             "\">0xaaaaaaaa…aaaaaaaa</a><span class=\"num\">150.000000 USDC</span>"
                             "<span>1 of 3 confirmations</span></li>"));
    CHECK(contains(html,
                   "<li><span class=\"mono\">0xnot-a-hash</span><span class=\"num\">1.000000 USDC"
                   "</span><span>Confirmed</span></li>"));
    CHECK_FALSE(find_by_id(tags_of(html), "received")->has("hidden"));

    v.explorer_tx_url = ""; // no explorer: no links
    html = render_checkout_page(v);
    CHECK_FALSE(contains(html, "basescan"));
    CHECK(contains(html, "<span class=\"mono\">0xaaaaaaaa…aaaaaaaa</span>"));
}

TEST_CASE("checkout page: countdown and expiry time", "[pages]") {
    struct Case {
        const char* now;
        const char* expires;
        std::string countdown;
        std::string expiry;
        std::string shown;
    };
    const std::vector<Case> cases = {
        {"2026-11-22T05:00:00Z", "2026-11-22T05:30:00Z", "30:00", "05:30 UTC", "open"},
        {"2026-11-22T05:00:00.001Z", "2026-11-22T05:30:00Z", "30:00", "05:30 UTC",
         "open"}, // rounds up
        {"2026-11-22T05:29:59Z", "2026-11-22T05:30:00Z", "00:01", "05:30 UTC", "open"},
        {"2026-11-22T05:00:00Z", "2026-11-22T06:05:00Z", "1:05:00", "06:05 UTC", "open"},
        {"2026-11-22T23:50:00Z", "2026-11-23T00:20:00Z", "30:00", "23 Nov, 00:20 UTC", "open"},
        {"2026-12-31T12:00:00Z", "2027-01-01T11:59:00Z", "23:59:00", "1 Jan, 11:59 UTC", "open"},
        // Time is up: an open session is shown expired even before the server says so.
        {"2026-11-22T05:30:00Z", "2026-11-22T05:30:00Z", "00:00", "05:30 UTC", "expired"},
        {"2026-11-22T06:00:00Z", "2026-11-22T05:30:00Z", "00:00", "05:30 UTC", "expired"},
    };
    for (const Case& c : cases) {
        INFO(c.now << " → " << c.expires);
        CheckoutView v = sample();
        v.now_ms = at(c.now);
        v.expires_at_ms = at(c.expires);
        const std::string html = render_checkout_page(v);
        CHECK(text_after_id(html, "countdown") == c.countdown);
        CHECK(text_after_id(html, "expires") == c.expiry);
        CHECK(*find_by_id(tags_of(html), "checkout")->attr("data-status") == c.shown);
    }
    // A detected payment is not overridden by the clock: it may still confirm in time.
    CheckoutView v = sample();
    v.status = "detected";
    v.now_ms = v.expires_at_ms + 1000;
    CHECK(*find_by_id(tags_of(render_checkout_page(v)), "checkout")->attr("data-status") ==
          "detected");
}

TEST_CASE("checkout page: test mode banner", "[pages]") {
    CheckoutView v = sample();
    v.livemode = false;
    const std::string html = render_checkout_page(v);
    CHECK(contains(html, "<header class=\"banner\">Test mode — no real funds</header>"));
    v.livemode = true;
    CHECK_FALSE(contains(render_checkout_page(v), "Test mode"));
}

TEST_CASE("checkout page: no description, no QR", "[pages]") {
    CheckoutView v = sample();
    v.description.reset();
    v.qr_svg.clear();
    const std::string html = render_checkout_page(v);
    CHECK_FALSE(contains(html, "class=\"desc\""));
    CHECK(find_by_id(tags_of(html), "qr") == nullptr);
    CHECK(find_by_id(tags_of(html), "wallet") != nullptr);
    require_csp_clean(html);
}
