#pragma once
// The hosted checkout page GET /c/{id}: everything a customer needs to pay with JavaScript
// off (amount, token, network, address, QR, wallet link, status), enhanced by
// /assets/checkout.js (countdown, live status, copy buttons, redirect once paid). Pure: every
// input is a parameter; the output is a complete HTML document written for page_csp().
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paylinks::pages {

struct PaymentView {
    std::string transaction_hash;
    std::string amount; ///< token units, decimal string
    std::int64_t confirmations = 0;
    bool confirmed = false;
};

/// One network and token the customer can pick (with several, the page shows a picker and
/// checkout.js switches between them in place; without JavaScript, each is a link to
/// `?option=<index>`).
struct OptionView {
    std::string network_name;
    std::uint64_t chain_id = 0;
    std::string token_symbol;
    std::string token_address;
    std::string amount_due;  ///< in the token's decimals
    std::string payment_uri; ///< for amount_due
    std::string qr_svg;      ///< trusted <svg> markup for qr_amount, or empty
    std::string qr_amount;
    std::string explorer_tx_url;
    std::string network; ///< its `network` name, as payments in the status answer carry it
};

struct CheckoutView {
    std::string session_id;
    std::string title;
    std::optional<std::string> description;
    std::string fiat_amount;     ///< "150.00"
    std::string fiat_currency;   ///< "USD"
    std::string token_symbol;    ///< "USDC"
    std::string amount_due;      ///< "150.000000" (token units, decimal string)
    std::string amount_received; ///< "0.000000"
    std::string network_name;    ///< "Base", "Base Sepolia", "Ethereum", "Local (anvil)"
    std::uint64_t chain_id = 0;  ///< 8453
    std::string token_address;   ///< EIP-55
    std::string deposit_address; ///< EIP-55
    std::string payment_uri; ///< EIP-681 "ethereum:0x…@8453/transfer?address=0x…&uint256=…"
    std::string qr_svg;      ///< trusted <svg> markup of a payment request for qr_amount, as is
    std::string qr_amount;   ///< what the QR asks for: amount_due, or what is left to pay
    std::string
        status; ///< open | detected | paid | underpaid | overpaid | paid_late | expired | reorged
    std::int64_t now_ms = 0; ///< server time, the countdown's starting point
    std::int64_t expires_at_ms = 0;
    std::optional<std::string> success_url;
    std::optional<std::string> cancel_url;
    std::string explorer_tx_url; ///< prefix for transaction links ("https://basescan.org/tx/");
                                 ///< empty: no links
    std::vector<PaymentView> payments;
    /// Where each payment is (same order), shown when the page offers several options.
    struct PaymentOrigin {
        std::string network_name;
        std::string token_symbol;
        std::string explorer_tx_url; ///< empty: no link
    };
    std::vector<PaymentOrigin> payment_origins;
    /// Every way to pay it; the fields above are those of options[selected] when there are
    /// several (one or none: no picker).
    std::vector<OptionView> options;
    std::size_t selected = 0;
    int confirmations_required = 1;
    bool livemode = false;
};

/// The whole page. Merchant text is escaped; only http(s) URLs become links.
[[nodiscard]] std::string render_checkout_page(const CheckoutView& view);

/// The picker's choice from `?option=<index>` (decimal digits, below `count`); nullopt for
/// anything else, which leaves the first option shown.
[[nodiscard]] std::optional<std::size_t> parse_option_index(std::string_view text,
                                                            std::size_t count) noexcept;

/// The status headline and explanation the page shows (and checkout.js recomputes with the
/// same wording after each poll), e.g. {"Payment detected — waiting for 3 confirmations",
/// "1 of 3 so far. Keep this page open."}. Plain text, not escaped.
struct StatusMessage {
    std::string title;
    std::string detail;
};
[[nodiscard]] StatusMessage status_message(const CheckoutView& view);

/// Whether the merchant fulfils on this status (paid, overpaid, paid_late).
[[nodiscard]] bool is_success_status(std::string_view status) noexcept;

} // namespace paylinks::pages
