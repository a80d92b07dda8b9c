// The checkout page's network and token picker (several NETWORKS options).
#include "core/pages/checkout_page.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>

using namespace paylinks::pages;

namespace {

const std::string kQrA = "<svg id=\"qa\"></svg>";
const std::string kQrB = "<svg id=\"qb\"></svg>";

bool contains(const std::string& html, const std::string& part) {
    return html.find(part) != std::string::npos;
}

CheckoutView two_networks(std::size_t selected) {
    CheckoutView v;
    v.session_id = "cs_01JDX8Z3K4M5N6P7Q8R9S0T1V2";
    v.title = "Tee";
    v.fiat_amount = "25.00";
    v.fiat_currency = "USD";
    v.amount_received = "0.000000";
    v.deposit_address = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    v.status = "open";
    v.now_ms = 1'795'000'000'000;
    v.expires_at_ms = v.now_ms + 1'800'000;
    v.options = {
        OptionView{"Base", 8453, "USDC", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "25.000000",
                   "ethereum:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913@8453/transfer?address="
                   "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed&uint256=25000000",
                   kQrA, "25.000000", "https://basescan.org/tx/", "base"},
        OptionView{"Ethereum", 1, "USDT", "0xdAC17F958D2ee523a2206206994597C13D831ec7", "25.000000",
                   "ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7@1/transfer?address="
                   "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed&uint256=25000000",
                   kQrB, "25.000000", "https://etherscan.io/tx/", "ethereum"},
    };
    v.selected = selected;
    const auto& o = v.options[selected];
    v.network_name = o.network_name;
    v.chain_id = o.chain_id;
    v.token_symbol = o.token_symbol;
    v.token_address = o.token_address;
    v.amount_due = o.amount_due;
    v.payment_uri = o.payment_uri;
    v.qr_svg = o.qr_svg;
    v.qr_amount = o.qr_amount;
    v.explorer_tx_url = o.explorer_tx_url;
    return v;
}

} // namespace

TEST_CASE("several options: a picker of links, every QR code, the chosen one shown",
          "[pages][networks]") {
    for (std::size_t selected : {0u, 1u}) {
        INFO(selected);
        const auto html = render_checkout_page(two_networks(selected));
        CHECK(contains(html, "<nav id=\"picker\" class=\"picker\""));
        CHECK(contains(html, "href=\"?option=0\""));
        CHECK(contains(html, "href=\"?option=1\""));
        const std::string current =
            "href=\"?option=" + std::to_string(selected) + "\" aria-current=\"true\"";
        CHECK(contains(html, current));
        CHECK(contains(html, "data-chain-id=\"1\" data-symbol=\"USDT\""));
        // The chosen option's QR is #qr; the other's is there, hidden, for checkout.js.
        const std::string& shown = selected == 0 ? kQrA : kQrB;
        const std::string& other = selected == 0 ? kQrB : kQrA;
        const auto qr = html.find("id=\"qr\"");
        REQUIRE(qr != std::string::npos);
        CHECK(html.find(shown, qr) < html.find("</div>", qr));
        const auto hidden = html.find("data-qr-option=\"" + std::to_string(1 - selected) + "\"");
        REQUIRE(hidden != std::string::npos);
        CHECK(html.find(" hidden>", hidden) < html.find(other, hidden));
        const OptionView o = two_networks(selected).options[selected];
        CHECK(contains(html, "<span id=\"net-name\">" + o.network_name + "</span>"));
        CHECK(contains(html, "Send only " + o.token_symbol + " on " + o.network_name));
        std::string href = o.payment_uri;
        href.replace(href.find('&'), 1, "&amp;");
        CHECK(contains(html, "<a id=\"wallet\" class=\"btn\" href=\"" + href + "\""));
    }
}

TEST_CASE("one option: no picker", "[pages][networks]") {
    auto v = two_networks(0);
    v.options.clear();
    const auto html = render_checkout_page(v);
    CHECK_FALSE(contains(html, "id=\"picker\""));
    CHECK_FALSE(contains(html, "data-qr-option"));
    CHECK(contains(html, "Other tokens, or USDC on another network"));
}

TEST_CASE("?option=: decimal indexes of the options there are, nothing else", "[pages][networks]") {
    struct Row {
        std::string_view text;
        std::size_t count;
        std::optional<std::size_t> index;
    };
    for (const Row& row :
         {Row{"0", 2, 0}, Row{"1", 2, 1}, Row{"2", 2, std::nullopt}, Row{"11", 12, 11},
          Row{"012", 24, 12}, Row{"", 2, std::nullopt}, Row{":", 24, std::nullopt},
          Row{"H", 24, std::nullopt}, Row{"-1", 2, std::nullopt}, Row{"1a", 12, std::nullopt},
          Row{"0001", 2, std::nullopt}, Row{"99999999999999999999", 2, std::nullopt}}) {
        INFO(row.text);
        CHECK(parse_option_index(row.text, row.count) == row.index);
    }
}
