#include "core/pages/checkout_page.hpp"

#include "core/http/message.hpp"
#include "core/num/uint256.hpp"
#include "core/pages/html.hpp"
#include "core/pages/layout.hpp"
#include "core/util/time.hpp"

#include <algorithm>

namespace paylinks::pages {

namespace {

// ---- exact decimal arithmetic on token amounts ("150.000000") ------------------------------

unsigned fraction_digits(std::string_view amount) noexcept {
    const std::size_t dot = amount.find('.');
    return dot == std::string_view::npos ? 0u : static_cast<unsigned>(amount.size() - dot - 1);
}

/// a − b when it is positive, with the larger of their scales; nullopt otherwise or when
/// either is not a plain decimal.
std::optional<std::string> positive_difference(std::string_view a, std::string_view b) {
    const unsigned scale = std::max(fraction_digits(a), fraction_digits(b));
    if (scale > 77) return std::nullopt;
    const auto x = num::parse_units(a, scale), y = num::parse_units(b, scale);
    if (!x || !y || *x <= *y) return std::nullopt;
    return num::format_units(*x - *y, scale);
}

bool has_nonzero_digit(std::string_view amount) noexcept {
    return amount.find_first_of("123456789") != std::string_view::npos;
}

/// The payment URI asking for `amount` instead of the amount due — only when its uint256
/// parameter is exactly the amount due in base units (so the scale is known); else nullopt.
std::optional<std::string> uri_for_amount(std::string_view uri, std::string_view amount_due,
                                          std::string_view amount) {
    constexpr std::string_view key = "uint256=";
    std::size_t at = uri.find(key);
    while (at != std::string_view::npos && at > 0 && uri[at - 1] != '?' && uri[at - 1] != '&')
        at = uri.find(key, at + 1);
    if (at == std::string_view::npos || at == 0) return std::nullopt;
    const std::size_t begin = at + key.size();
    const std::size_t end = std::min(uri.find('&', begin), uri.size());
    const unsigned scale = fraction_digits(amount_due);
    const auto in_uri = num::parse_decimal_u256(uri.substr(begin, end - begin));
    const auto due = num::parse_units(amount_due, scale);
    const auto wanted = num::parse_units(amount, scale);
    if (!in_uri || !due || !wanted || *in_uri != *due) return std::nullopt;
    std::string out(uri.substr(0, begin));
    out += num::to_decimal(*wanted);
    out += uri.substr(end);
    return out;
}

// ---- small text helpers --------------------------------------------------------------------

std::string plural(std::int64_t n, std::string_view word) {
    std::string out = std::to_string(n);
    out += ' ';
    out += word;
    if (n != 1) out += 's';
    return out;
}

std::string two_digits(std::int64_t n) {
    std::string out = std::to_string(n);
    if (n < 10) out.insert(out.begin(), '0');
    return out;
}

/// "29:41", or "1:05:00" from an hour up (the shape checkout.js ticks in).
std::string clock_text(std::int64_t seconds) {
    std::string out = seconds >= 3600 ? std::to_string(seconds / 3600) : two_digits(seconds / 60);
    if (seconds >= 3600) {
        out += ':';
        out += two_digits(seconds / 60 % 60);
    }
    out += ':';
    out += two_digits(seconds % 60);
    return out;
}

/// "05:14 UTC", or "23 Nov, 05:14 UTC" when not on the same UTC day as `now_ms`.
std::string expiry_text(std::int64_t expires_ms, std::int64_t now_ms) {
    const std::string at = time::format_iso8601(expires_ms); // 2026-11-22T05:14:00.000Z
    const std::string now = time::format_iso8601(now_ms);
    if (at.size() < 16) return at;
    std::string out;
    if (at.compare(0, 10, now, 0, 10) != 0) {
        static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        const int month = (at[5] - '0') * 10 + (at[6] - '0');
        out += at[8] == '0' ? at.substr(9, 1) : at.substr(8, 2);
        out += ' ';
        if (month >= 1 && month <= 12) out += months[month - 1];
        out += ", ";
    }
    out += at.substr(11, 5);
    out += " UTC";
    return out;
}

bool is_tx_hash(std::string_view hash) noexcept {
    if (hash.size() != 66 || hash[0] != '0' || hash[1] != 'x') return false;
    return std::all_of(hash.begin() + 2, hash.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
}

/// An EIP-681 URI we are willing to link: "ethereum:" and nothing that needs escaping in a
/// URL (no whitespace, control characters, quotes or angle brackets).
bool is_payment_uri(std::string_view uri) noexcept {
    if (uri.substr(0, 9) != "ethereum:" || uri.size() == 9) return false;
    return std::none_of(uri.begin(), uri.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\';
    });
}

/// The status as the page shows it: an open or underpaid session whose time is up can no
/// longer be paid in time, so it is shown expired (checkout.js does the same at 00:00).
std::string shown_status(const CheckoutView& v) {
    if ((v.status == "open" || v.status == "underpaid") && v.now_ms >= v.expires_at_ms)
        return "expired";
    return v.status;
}

int required_confirmations(const CheckoutView& v) noexcept {
    return std::max(1, v.confirmations_required);
}

/// Confirmations of the least-confirmed unconfirmed payment, clamped to [0, required];
/// −1 when every payment is confirmed.
std::int64_t pending_confirmations(const CheckoutView& v) noexcept {
    std::int64_t least = -1;
    for (const PaymentView& p : v.payments) {
        if (!p.confirmed) least = least < 0 ? p.confirmations : std::min(least, p.confirmations);
    }
    if (least < 0) return -1;
    return std::min<std::int64_t>(std::max<std::int64_t>(least, 0), required_confirmations(v));
}

StatusMessage message_for(const CheckoutView& v, std::string_view status) {
    const std::string& sym = v.token_symbol;
    const std::string& net = v.network_name;
    const std::string& got = v.amount_received;
    const std::string& due = v.amount_due;
    const int required = required_confirmations(v);
    if (status == "open") {
        return {"Awaiting payment", detail::join({"Send exactly ", due, " ", sym, " on ", net,
                                                  ". This page updates when it arrives."})};
    }
    if (status == "detected") {
        const std::int64_t so_far = pending_confirmations(v);
        const std::string n = std::to_string(required);
        return {detail::join({"Payment detected — waiting for ", plural(required, "confirmation")}),
                so_far < 0 ? std::string("Keep this page open.")
                           : detail::join({std::to_string(so_far), " of ", n,
                                           " so far. Keep this page open."})};
    }
    if (status == "underpaid") {
        const auto remaining = positive_difference(due, got);
        if (remaining) {
            return {detail::join({"Received ", got, " of ", due, " ", sym, " — send the remaining ",
                                  *remaining, " ", sym}),
                    detail::join(
                        {"Send it to the same address on ", net, " before the time runs out."})};
        }
        return {detail::join({"Received ", got, " of ", due, " ", sym}),
                detail::join(
                    {"Send the rest to the same address on ", net, " before the time runs out."})};
    }
    if (status == "paid") {
        return {"Payment received",
                detail::join({"Thank you — ", got, " ", sym, " confirmed on ", net, "."})};
    }
    if (status == "overpaid") {
        const auto extra = positive_difference(got, due);
        return {"Payment received",
                detail::join({"You sent ", got, " ", sym, ", ", extra ? *extra : "?", " ", sym,
                              " more than due. Contact the merchant about the difference."})};
    }
    if (status == "paid_late") {
        return {"Payment received", "It arrived after the time limit and was accepted. Thank you."};
    }
    if (status == "expired") {
        return {"This checkout has expired",
                "Do not send a payment to this address. If you already sent one, keep this page "
                "open or contact the merchant."};
    }
    if (status == "reorged") {
        return {"Your payment is no longer on the chain",
                detail::join({"A reorganisation of ", net,
                              " removed it. Pay again or contact the merchant."})};
    }
    return {detail::join({"Status: ", status}), ""};
}

// ---- markup --------------------------------------------------------------------------------

void attribute(std::string& out, std::string_view name, std::string_view value) {
    out += ' ';
    out += name;
    out += "=\"";
    append_escaped(out, value);
    out += '"';
}

void hidden_if(std::string& out, bool hidden) {
    if (hidden) out += " hidden";
}

/// The address in groups of four ("0x8335 89fC …") so it can be read aloud and compared, and
/// wraps only between groups; the groups are spans without spaces, so selecting and copying
/// the text yields the address unchanged.
void append_grouped(std::string& out, std::string_view address) {
    std::size_t i = 0;
    if (address.substr(0, 2) == "0x" && address.size() > 6) {
        out += "<span>";
        append_escaped(out, address.substr(0, 6));
        out += "</span>";
        i = 6;
    }
    for (; i < address.size(); i += 4) {
        out += "<span>";
        append_escaped(out, address.substr(i, 4));
        out += "</span>";
    }
}

void append_payment(std::string& out, const CheckoutView& v, const PaymentView& p,
                    const CheckoutView::PaymentOrigin* origin, bool link) {
    // With several options, each payment says its network and token, and links to its
    // network's explorer.
    const std::string_view explorer = origin ? origin->explorer_tx_url : v.explorer_tx_url;
    link = origin ? is_http_url(explorer) : link;
    const std::string_view hash = p.transaction_hash;
    std::string shortened(hash);
    if (hash.size() > 18) {
        shortened = detail::join({hash.substr(0, 10), "…", hash.substr(hash.size() - 8)});
    }
    out += "<li>";
    if (link && is_tx_hash(hash)) {
        out += "<a class=\"mono\"";
        attribute(out, "href", detail::join({explorer, hash}));
        out += " target=\"_blank\" rel=\"noopener noreferrer\"";
        attribute(out, "title", hash);
        out += '>';
        append_escaped(out, shortened);
        out += "</a>";
    } else {
        out += "<span class=\"mono\">";
        append_escaped(out, shortened);
        out += "</span>";
    }
    out += "<span class=\"num\">";
    append_escaped(out, p.amount);
    out += ' ';
    append_escaped(out, origin ? origin->token_symbol : v.token_symbol);
    out += "</span>";
    if (origin) {
        out += "<span class=\"small\">on ";
        append_escaped(out, origin->network_name);
        out += "</span>";
    }
    out += "<span>";
    if (p.confirmed) {
        out += "Confirmed";
    } else {
        const std::int64_t required = required_confirmations(v);
        const std::int64_t c = std::min(std::max<std::int64_t>(p.confirmations, 0), required);
        out += std::to_string(c);
        out += " of ";
        out += std::to_string(required);
        out += " confirmations";
    }
    out += "</span></li>";
}

/// What may be sent where (checkout.js recomputes it with the same wording on a switch).
std::string warning_text(const CheckoutView& v) {
    const std::string chain = std::to_string(v.chain_id);
    if (!v.options.empty())
        return detail::join({"Send only ", v.token_symbol, " on ", v.network_name, " (chain ID ",
                             chain,
                             ") with this choice, or pick another above. Tokens and "
                             "networks not listed can't be credited to this payment."});
    return detail::join({"Send only ", v.token_symbol, " on ", v.network_name, " (chain ID ", chain,
                         "). Other tokens, or ", v.token_symbol,
                         " on another network, can't be credited to this payment."});
}

/// The network and token choice: links to ?option=<i> (no JavaScript needed), each carrying
/// what checkout.js needs to switch in place.
void append_picker(std::string& out, const CheckoutView& v) {
    out += "<nav id=\"picker\" class=\"picker\" aria-labelledby=\"picker-h\"><h2 "
           "id=\"picker-h\" class=\"label\">Pay with</h2><ul>";
    for (std::size_t i = 0; i < v.options.size(); ++i) {
        const OptionView& o = v.options[i];
        out += "<li><a class=\"opt\"";
        attribute(out, "href", detail::join({"?option=", std::to_string(i)}));
        if (i == v.selected) out += " aria-current=\"true\"";
        attribute(out, "data-option", std::to_string(i));
        attribute(out, "data-key", o.network);
        attribute(out, "data-network", o.network_name);
        attribute(out, "data-chain-id", std::to_string(o.chain_id));
        attribute(out, "data-symbol", o.token_symbol);
        attribute(out, "data-token", o.token_address);
        attribute(out, "data-amount-due", o.amount_due);
        attribute(out, "data-qr-amount", o.qr_amount);
        if (is_payment_uri(o.payment_uri)) attribute(out, "data-uri", o.payment_uri);
        if (is_http_url(o.explorer_tx_url))
            attribute(out, "data-explorer-tx-url", o.explorer_tx_url);
        out += "><span class=\"opt-sym\">";
        append_escaped(out, o.token_symbol);
        out += "</span> <span class=\"opt-net\">on ";
        append_escaped(out, o.network_name);
        out += "</span></a></li>";
    }
    out += "</ul></nav>";
}

} // namespace

bool is_success_status(std::string_view status) noexcept {
    return status == "paid" || status == "overpaid" || status == "paid_late";
}

StatusMessage status_message(const CheckoutView& view) {
    return message_for(view, shown_status(view));
}

std::optional<std::size_t> parse_option_index(std::string_view text, std::size_t count) noexcept {
    // There are at most a few dozen options: more than three digits is never one of them.
    if (text.empty() || text.size() > 3) return std::nullopt;
    std::size_t index = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        index = index * 10 + static_cast<std::size_t>(c - '0');
    }
    if (index >= count) return std::nullopt;
    return index;
}

std::string render_checkout_page(const CheckoutView& v) {
    const std::string status = shown_status(v);
    const bool success = is_success_status(status);
    const bool expired = status == "expired";
    const bool waiting = !success && !expired; // open, detected, underpaid (or unknown)
    const std::optional<std::string> success_url =
        v.success_url && is_http_url(*v.success_url) ? v.success_url : std::nullopt;
    const bool cancel = v.cancel_url && is_http_url(*v.cancel_url);
    const bool tx_links = is_http_url(v.explorer_tx_url);
    const StatusMessage message = message_for(v, status);
    const std::string& sym = v.token_symbol;

    // An underpaid session asks for the rest: the amount, the copy button and the wallet link
    // say the remainder, and the QR code (of the full amount) gives way to a note.
    const std::optional<std::string> remaining =
        status == "underpaid" ? positive_difference(v.amount_due, v.amount_received) : std::nullopt;
    const std::string& pay_amount = remaining ? *remaining : v.amount_due;
    const std::string& qr_amount = v.qr_amount.empty() ? v.amount_due : v.qr_amount;
    std::optional<std::string> wallet_href;
    if (is_payment_uri(v.payment_uri)) {
        wallet_href = remaining ? uri_for_amount(v.payment_uri, v.amount_due, *remaining)
                                : std::optional<std::string>(v.payment_uri);
    }

    std::string out;
    out.reserve(8192 + v.qr_svg.size() +
                2 * (v.title.size() + (v.description ? v.description->size() : 0)));

    const std::string title = detail::join({v.title, " · ", v.fiat_amount, " ", v.fiat_currency});
    detail::open_document(
        out, {.title = title,
              .script = true,
              .extra = waiting ? "<noscript><meta http-equiv=\"refresh\" content=\"30\"></noscript>"
                               : ""});

    if (!v.livemode) out += "<header class=\"banner\">Test mode — no real funds</header>";
    out += "<div class=\"wrap\"><main id=\"checkout\" class=\"card\"";
    attribute(out, "data-session-id", v.session_id);
    attribute(out, "data-status-url",
              detail::join({"/c/", http::percent_encode(v.session_id), "/status"}));
    attribute(out, "data-status", status);
    attribute(out, "data-now", std::to_string(v.now_ms));
    attribute(out, "data-expires-at", std::to_string(v.expires_at_ms));
    if (success_url) attribute(out, "data-success-url", *success_url);
    attribute(out, "data-amount-due", v.amount_due);
    attribute(out, "data-amount-received", v.amount_received);
    attribute(out, "data-qr-amount", qr_amount);
    attribute(out, "data-symbol", sym);
    attribute(out, "data-network", v.network_name);
    attribute(out, "data-confirmations-required", std::to_string(required_confirmations(v)));
    if (tx_links) attribute(out, "data-explorer-tx-url", v.explorer_tx_url);
    out += '>';

    // Who is asking for what.
    out += "<header><h1>";
    append_escaped(out, v.title);
    out += "</h1>";
    if (v.description && !v.description->empty()) {
        out += "<p class=\"desc\">";
        append_escaped(out, *v.description);
        out += "</p>";
    }
    out += "<p class=\"price\">";
    append_escaped(out, v.fiat_amount);
    out += ' ';
    append_escaped(out, v.fiat_currency);
    out += "</p></header>";

    // Status, live.
    out += "<div class=\"status\"><div><div id=\"st\" role=\"status\" aria-live=\"polite\" "
           "aria-atomic=\"true\"><p id=\"st-title\" class=\"st-title\">";
    append_escaped(out, message.title);
    out += "</p><p id=\"st-detail\">";
    append_escaped(out, message.detail);
    out += "</p></div>";
    if (success_url) {
        out += "<a id=\"done-link\" class=\"btn\"";
        attribute(out, "href", *success_url);
        hidden_if(out, !success);
        out += ">Return to the merchant</a>";
    }
    out += "</div></div>";

    // Countdown; the server's figure, ticked down by checkout.js.
    const std::int64_t left_ms = std::max<std::int64_t>(0, v.expires_at_ms - v.now_ms);
    out += "<p id=\"timer\" class=\"timer\"";
    hidden_if(out, success);
    out += "><span id=\"timer-left\"";
    hidden_if(out, expired);
    out += ">Time left <span id=\"countdown\" class=\"num\">";
    out += clock_text((left_ms + 999) / 1000);
    out += "</span> · </span><span id=\"timer-verb\">";
    out += expired ? "Expired" : "Expires";
    out += "</span> at <time id=\"expires\"";
    attribute(out, "datetime", time::format_iso8601(v.expires_at_ms));
    out += '>';
    append_escaped(out, expiry_text(v.expires_at_ms, v.now_ms));
    out += "</time></p>";
    if (waiting) {
        out += "<noscript><p class=\"note\">JavaScript is off: this page reloads every 30 seconds "
               "to show the latest status.</p></noscript>";
    }

    // What to pay, where.
    out += "<section id=\"pay\" class=\"pay\" aria-labelledby=\"pay-h\"";
    hidden_if(out, !waiting);
    out += '>';
    if (!v.options.empty()) append_picker(out, v);
    out += "<div class=\"pay-amt\"><h2 id=\"pay-h\" class=\"label\">";
    out += remaining ? "Send the remaining" : "Send exactly";
    out += "</h2><div class=\"row\"><p class=\"amount\"><span id=\"amount-due\">";
    append_escaped(out, pay_amount);
    out += "</span> <span id=\"amount-sym\">";
    append_escaped(out, sym);
    out += "</span></p><button type=\"button\" id=\"copy-amount\" class=\"copy\"";
    attribute(out, "data-copy", pay_amount);
    out += " data-done=\"Amount copied\" hidden>Copy amount</button></div></div>";

    out += "<div class=\"qr-box\">";
    if (!v.qr_svg.empty()) {
        out += "<div id=\"qr\" class=\"qr\" role=\"img\"";
        if (!v.options.empty()) attribute(out, "data-qr-option", std::to_string(v.selected));
        attribute(out, "aria-label",
                  detail::join({"QR code of the payment request: ", qr_amount, " ", sym, " on ",
                                v.network_name, " to ", v.deposit_address}));
        hidden_if(out, qr_amount != pay_amount);
        out += '>';
        out += v.qr_svg; // trusted markup from the QR library
        out += "</div>";
    }
    // The other options' codes, for checkout.js to show when the customer picks one.
    for (std::size_t i = 0; i < v.options.size(); ++i) {
        const OptionView& o = v.options[i];
        if (i == v.selected || o.qr_svg.empty()) continue;
        out += "<div class=\"qr\" role=\"img\"";
        attribute(out, "data-qr-option", std::to_string(i));
        attribute(
            out, "aria-label",
            detail::join({"QR code of the payment request: ", o.qr_amount, " ", o.token_symbol,
                          " on ", o.network_name, " to ", v.deposit_address}));
        out += " hidden>";
        out += o.qr_svg;
        out += "</div>";
    }
    out += "<p id=\"qr-note\" class=\"qr-note\"";
    hidden_if(out, !remaining || (!v.qr_svg.empty() && qr_amount == pay_amount));
    out += ">The QR code asks for the full amount, so it is hidden. Send the remaining "
           "<strong id=\"qr-rem\">";
    if (remaining) {
        append_escaped(out, *remaining);
        out += ' ';
        append_escaped(out, sym);
    }
    out += "</strong> to the deposit address.</p>";
    if (wallet_href || is_payment_uri(v.payment_uri)) {
        out += "<a id=\"wallet\" class=\"btn\"";
        attribute(out, "href", wallet_href ? *wallet_href : v.payment_uri);
        attribute(out, "data-uri", v.payment_uri); // the full amount, for checkout.js
        hidden_if(out, !wallet_href);
        out += ">Open in wallet</a>";
    }
    out += "</div>";

    out += "<div class=\"pay-facts\"><dl class=\"facts\"><div><dt>Network</dt><dd><span "
           "id=\"net-name\">";
    append_escaped(out, v.network_name);
    out += "</span> <span class=\"small\">(chain ID <span id=\"net-chain\">";
    out += std::to_string(v.chain_id);
    out += "</span>)</span></dd></div><div><dt>Token</dt><dd><span id=\"tok-sym\">";
    append_escaped(out, sym);
    out += "</span> <span class=\"small\">contract <code id=\"tok-address\" class=\"grp\">";
    append_grouped(out, v.token_address);
    out += "</code></span></dd></div><div><dt>Deposit address</dt><dd><code id=\"address\" "
           "class=\"addr grp\">";
    append_grouped(out, v.deposit_address);
    out += "</code><button type=\"button\" class=\"copy\"";
    attribute(out, "data-copy", v.deposit_address);
    out += " data-done=\"Address copied\" data-select=\"address\" hidden>Copy address</button>"
           "</dd></div></dl><p id=\"warn\" class=\"warn\">";
    append_escaped(out, warning_text(v));
    out += "</p></div></section>";

    // What has arrived.
    const bool any_received = !v.payments.empty() || has_nonzero_digit(v.amount_received);
    out += "<section id=\"received\" class=\"received\" aria-labelledby=\"received-h\"";
    hidden_if(out, !any_received);
    out += "><h2 id=\"received-h\" class=\"label\">Received</h2><p><span id=\"amount-received\" "
           "class=\"num\">";
    append_escaped(out, v.amount_received);
    out += "</span> of <span id=\"amount-of\" class=\"num\">";
    append_escaped(out, v.amount_due);
    out += "</span> <span id=\"received-sym\">";
    append_escaped(out, sym);
    out += "</span></p><ul id=\"payments\" class=\"payments\">";
    for (std::size_t i = 0; i < v.payments.size(); ++i)
        append_payment(out, v, v.payments[i],
                       !v.options.empty() && i < v.payment_origins.size() ? &v.payment_origins[i]
                                                                          : nullptr,
                       tx_links);
    out += "</ul></section>";

    if (cancel) {
        out += "<p id=\"cancel\"";
        hidden_if(out, success);
        out += "><a id=\"cancel-link\" class=\"cancel\"";
        attribute(out, "href", *v.cancel_url);
        out += expired ? ">Return to the merchant</a></p>"
                       : ">Cancel and return to the merchant</a></p>";
    }
    out += "</main><footer class=\"foot\"><p>Checkout <code>";
    append_escaped(out, v.session_id);
    out += "</code> · Powered by paylinks</p></footer></div>"
           "<div id=\"live\" class=\"sr-only\" aria-live=\"polite\"></div>";
    detail::close_document(out);
    return out;
}

} // namespace paylinks::pages
