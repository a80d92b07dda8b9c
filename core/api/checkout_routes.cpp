#include "core/api/checkout_routes.hpp"

#include "core/api/links_api.hpp"
#include "core/api/rate_limits.hpp"
#include "core/api/request_body.hpp"
#include "core/api/sessions_api.hpp"
#include "core/api/validate.hpp"
#include "core/chain/watcher.hpp"
#include "core/crypto/hex.hpp"
#include "core/eth/eip681.hpp"
#include "core/ids/ids.hpp"
#include "core/links/link_sales.hpp"
#include "core/money/fiat.hpp"
#include "core/pages/assets.hpp"
#include "core/pages/checkout_page.hpp"
#include "core/pages/dashboard_assets.hpp"
#include "core/pages/error_page.hpp"
#include "core/pages/link_preview.hpp"
#include "core/sessions/pricing.hpp"
#include "core/sessions/session_json.hpp"
#include "core/sessions/session_store.hpp"
#include "core/store/listing.hpp"

#include <array>

namespace paylinks::api {

using http::ApiError;
using http::ErrorCode;
using http::Response;
using sessions::Session;

namespace {

Response with_page_headers(Response response) {
    response.headers.emplace_back("content-security-policy", std::string(pages::page_csp()));
    response.headers.emplace_back("referrer-policy", "no-referrer");
    response.headers.emplace_back("x-frame-options", "DENY");
    response.headers.emplace_back("cache-control", "no-store");
    return response;
}

std::string price_text(std::int64_t minor, const std::string& code) {
    auto currency = money::find_currency(code);
    return (currency ? money::format_fiat_amount(minor, *currency) : std::to_string(minor)) + " " +
           code;
}

// Loads the link behind a slug; nullopt when there is none.
engine::Task<std::variant<std::optional<links::Link>, ApiError>> link_for_slug(engine::Context& ctx,
                                                                               std::string slug) {
    if (!ids::is_valid_slug(slug)) co_return std::optional<links::Link>{};
    auto stored =
        engine::read_kv_value(co_await ctx.perform(engine::kv_get(links::slug_key(slug), 60)));
    if (!stored.ok) co_return store::storage_error(stored.error);
    if (!stored.value) co_return std::optional<links::Link>{};
    co_return co_await load_link(ctx, *stored.value, false);
}

constexpr std::string_view kVisitCookiePrefix = "pl_visit_";

// The value of the cookie `name` in a Cookie header; empty when it has none.
std::string_view cookie_value(std::string_view header, std::string_view name) noexcept {
    while (!header.empty()) {
        const auto end = header.find(';');
        auto pair = header.substr(0, end);
        header = end == std::string_view::npos ? std::string_view{} : header.substr(end + 1);
        while (!pair.empty() && pair.front() == ' ')
            pair.remove_prefix(1);
        const auto equals = pair.find('=');
        if (equals != std::string_view::npos && pair.substr(0, equals) == name)
            return pair.substr(equals + 1);
    }
    return {};
}

// Whether a returning browser should land on this session rather than get a new deposit
// address: it is the link's, the customer can still pay it, and a payment may be on its way.
bool welcomes_return(const Session& session, const links::Link& link,
                     std::int64_t now_ms) noexcept {
    using sessions::Status;
    const bool payable = session.status == Status::open || session.status == Status::detected ||
                         session.status == Status::underpaid;
    return payable && now_ms < session.expires_at_ms && session.link_id == link.id;
}

// The session a browser opened from this link earlier, if it is still the one to land on.
engine::Task<std::optional<std::string>>
returning_session(engine::Context& ctx, const http::Request& request, const links::Link& link) {
    const auto* cookies = request.header(http::RequestHeader::cookie);
    if (!cookies) co_return std::nullopt;
    const auto id =
        std::string(cookie_value(*cookies, std::string(kVisitCookiePrefix) + link.slug));
    if (!ids::is_valid_id(id, ids::kSessionPrefix)) co_return std::nullopt;
    auto loaded = co_await sessions::load_session(ctx, id);
    auto* session = std::get_if<std::optional<Session>>(&loaded);
    if (!session || !*session || !welcomes_return(**session, link, ctx.now_ms()))
        co_return std::nullopt;
    co_return id;
}

// Remembers the visit's session for the browser's next visit of this link only.
std::string visit_cookie(const http::Request& request, const links::Link& link,
                         const Session& session, std::int64_t now_ms) {
    const auto seconds = std::max<std::int64_t>(0, (session.expires_at_ms - now_ms) / 1000);
    std::string cookie = std::string(kVisitCookiePrefix) + link.slug + "=" + session.id +
                         "; Path=/l/" + link.slug + "; Max-Age=" + std::to_string(seconds) +
                         "; HttpOnly; SameSite=Lax";
    if (request.origin.rfind("https://", 0) == 0) cookie += "; Secure";
    return cookie;
}

Response see_other(const std::string& session_id) {
    return Response{303, {{"location", "/c/" + session_id}, {"cache-control", "no-store"}}, ""};
}

} // namespace

bool is_link_preview_bot(std::string_view user_agent) noexcept {
    static constexpr std::array<std::string_view, 20> kBots = {
        "slackbot",    "slack-imgproxy",  "twitterbot",  "facebookexternalhit",
        "facebot",     "discordbot",      "telegrambot", "whatsapp",
        "linkedinbot", "skypeuripreview", "embedly",     "pinterest",
        "redditbot",   "applebot",        "iframely",    "vkshare",
        "mastodon",    "bluesky",         "googlebot",   "bingbot"};
    std::string lowered(user_agent);
    for (auto& c : lowered)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    for (auto bot : kBots)
        if (lowered.find(bot) != std::string::npos) return true;
    return false;
}

Response page_response(int status, std::string html) {
    return with_page_headers(http::html_response(status, std::move(html)));
}

Response page_error(int status, std::string_view heading, std::string_view message) {
    return with_page_headers(
        http::html_response(status, pages::render_error_page(status, heading, message)));
}

engine::Task<Response> visit_link(engine::Context& ctx, const http::Request& request,
                                  std::string slug) {
    auto loaded = co_await link_for_slug(ctx, slug);
    if (std::holds_alternative<ApiError>(loaded))
        co_return page_error(503, "Temporarily unavailable",
                             "This payment page cannot be opened right now. Please try again in a "
                             "moment.");
    auto& link = std::get<std::optional<links::Link>>(loaded);
    if (!link)
        co_return page_error(404, "Payment link not found",
                             "Check the address, or ask the seller for a new link.");
    if (!link->open_for_sessions(ctx.now_ms()))
        co_return page_error(410, "This payment link is no longer available",
                             link->active
                                 ? "It has expired. Ask the seller for a new link."
                                 : "The seller has turned it off. Ask them for a new link.");

    const auto* user_agent = request.header(http::RequestHeader::user_agent);
    // A browser's sub-request (an <img src> of this address on another site, a prefetch) is
    // no customer: like a preview bot it gets the page's metadata and opens nothing.
    const auto* destination = request.header(http::RequestHeader::sec_fetch_dest);
    const bool navigation = !destination || *destination == "document";
    if (request.method == "HEAD" || !navigation ||
        (user_agent && is_link_preview_bot(*user_agent))) {
        auto canonical = public_base_url(ctx, request) + "/l/" + link->slug;
        co_return with_page_headers(http::html_response(
            200, pages::render_link_preview(
                     link->title,
                     link->description ? std::optional<std::string_view>(*link->description)
                                       : std::nullopt,
                     price_text(link->fiat_amount, link->fiat_currency), canonical)));
    }

    // A browser with an open session lands on it even once the link sold out: it may be
    // one of the sales still to come.
    if (auto returning = co_await returning_session(ctx, request, *link))
        co_return see_other(*returning);
    auto sold_out = co_await links::sold_out(ctx, *link);
    if (std::holds_alternative<ApiError>(sold_out))
        co_return page_error(503, "Temporarily unavailable",
                             "This payment page cannot be opened right now. Please try again in a "
                             "moment.");
    if (std::get<bool>(sold_out))
        co_return page_error(410, "Sold out",
                             "“" + link->title +
                                 "” has sold out. Ask the seller whether more will be offered.");

    // Only now is a session about to be opened: return visits, previews and unknown links
    // count against no session limit.
    std::string limiter_fault;
    auto refusal = co_await admit_session(ctx, request, link->id, limiter_fault);
    if (refusal) co_return std::move(*refusal);
    auto opened = co_await open_session(ctx, draft_from_link(*link));
    if (auto* error = std::get_if<ApiError>(&opened)) {
        if (error->code == ErrorCode::rate_unavailable)
            co_return page_error(503, "Payments in this currency are unavailable", error->message);
        co_return page_error(503, "Temporarily unavailable",
                             "A checkout could not be opened right now. Please try again.");
    }
    const auto& session = std::get<Session>(opened);
    auto redirect = see_other(session.id);
    redirect.headers.emplace_back("set-cookie",
                                  visit_cookie(request, *link, session, ctx.now_ms()));
    mark_limiter_fault(redirect, limiter_fault);
    co_return redirect;
}

engine::Task<Response> checkout_page(engine::Context& ctx, const http::Request& request,
                                     std::string id) {
    std::string chain_fault;
    auto loaded = co_await load_fresh_session(ctx, id, &chain_fault, request.chain_check_allowed);
    if (std::holds_alternative<ApiError>(loaded))
        co_return page_error(503, "Temporarily unavailable",
                             "This checkout cannot be shown right now. Please try again.");
    auto& session = std::get<std::optional<Session>>(loaded);
    if (!session)
        co_return page_error(404, "Checkout not found",
                             "This checkout does not exist. Ask the seller for a new link.");
    const auto& config = ctx.config();
    pages::CheckoutView view;
    view.session_id = session->id;
    view.title = session->title;
    view.description = session->description;
    auto currency = money::find_currency(session->fiat_currency);
    view.fiat_amount = currency ? money::format_fiat_amount(session->fiat_amount, *currency)
                                : std::to_string(session->fiat_amount);
    view.fiat_currency = session->fiat_currency;
    const unsigned decimals = session->token_decimals;
    view.amount_received = num::format_units(session->amount_seen(), decimals);
    view.deposit_address = eth::to_checksum_address(session->deposit_address);
    view.status = std::string(sessions::to_string(session->status));
    view.now_ms = ctx.now_ms();
    view.expires_at_ms = session->expires_at_ms;
    view.success_url = session->success_url;
    view.cancel_url = session->cancel_url;
    view.confirmations_required = config.confirmations;
    view.livemode = session->livemode;
    const auto chain_of = [&](const std::string& name) -> const config::Chain* {
        for (const auto& chain : config.chains)
            if (chain.name == name) return &chain;
        return nullptr;
    };
    for (const auto& payment : session->payments) {
        // Stored without a network: the primary's.
        const auto* chain =
            payment.network.empty() ? &config.chains.front() : chain_of(payment.network);
        view.payments.push_back(
            {payment.transaction_hash,
             num::format_units(payment.amount, payment.decimals.value_or(decimals)),
             static_cast<std::int64_t>(payment.confirmations), payment.confirmed});
        pages::CheckoutView::PaymentOrigin origin{chain ? chain->display_name : payment.network,
                                                  session->token_symbol,
                                                  chain ? chain->explorer_tx_url : std::string{}};
        for (const auto& option : session->options)
            if (option.network == payment.network && option.token == payment.token)
                origin.token_symbol = option.symbol;
        view.payment_origins.push_back(std::move(origin));
    }
    // Every option, its QR asking for its amount due, or for an underpaid session exactly
    // what is left (the session's remainder rounded up to the option's decimals). The QR
    // codes are rendered in one batch, so that switching options costs no request.
    const auto options = sessions::payment_options(*session, config);
    const bool underpaid = session->status == sessions::Status::underpaid;
    const auto remaining = session->amount_remaining();
    std::vector<engine::Effect> qr_effects;
    for (const auto& option : options) {
        const auto* chain = chain_of(option.network);
        pages::OptionView shown;
        shown.network_name = chain ? chain->display_name : option.network;
        shown.chain_id = option.chain_id;
        shown.token_symbol = option.symbol;
        shown.token_address = eth::to_checksum_address(option.token);
        shown.amount_due = num::format_units(option.amount_due, option.decimals);
        shown.payment_uri = eth::erc20_transfer_uri(shown.token_address, option.chain_id,
                                                    view.deposit_address, option.amount_due);
        shown.explorer_tx_url = chain ? chain->explorer_tx_url : std::string{};
        shown.network = option.network;
        const auto qr_units =
            underpaid ? sessions::option_amount_due(remaining, decimals, option.decimals)
                      : option.amount_due;
        shown.qr_amount = num::format_units(qr_units, option.decimals);
        qr_effects.push_back(engine::render_qr_svg(eth::erc20_transfer_uri(
            shown.token_address, option.chain_id, view.deposit_address, qr_units)));
        view.options.push_back(std::move(shown));
    }
    // ?option=<index> picks one without JavaScript.
    for (const auto& [name, value] : request.query)
        if (name == "option")
            if (auto index = pages::parse_option_index(value, view.options.size()))
                view.selected = *index;
    auto qr_answers = co_await ctx.perform(std::move(qr_effects));
    for (std::size_t i = 0; i < view.options.size() && i < qr_answers.size(); ++i) {
        auto qr = engine::read_string_value(qr_answers[i]);
        // Without a QR the page still works: the address and the wallet link are there.
        if (qr && qr->rfind("<svg", 0) == 0) view.options[i].qr_svg = std::move(*qr);
    }
    const auto& picked = view.options[view.selected];
    view.token_symbol = picked.token_symbol;
    view.amount_due = picked.amount_due;
    view.network_name = picked.network_name;
    view.chain_id = picked.chain_id;
    view.token_address = picked.token_address;
    view.payment_uri = picked.payment_uri;
    view.qr_svg = picked.qr_svg;
    view.qr_amount = picked.qr_amount;
    view.explorer_tx_url = picked.explorer_tx_url;
    if (view.options.size() < 2) view.options.clear();
    co_return with_page_headers(http::html_response(200, pages::render_checkout_page(view)));
}

engine::Task<Response> checkout_status(engine::Context& ctx, const http::Request& request,
                                       std::string id) {
    std::string chain_fault;
    auto loaded = co_await load_fresh_session(ctx, id, &chain_fault, request.chain_check_allowed);
    if (auto* error = std::get_if<ApiError>(&loaded)) co_return http::error_response(*error);
    auto& session = std::get<std::optional<Session>>(loaded);
    if (!session)
        co_return http::error_response(
            ApiError{ErrorCode::resource_missing, "No such checkout session: '" + id + "'", "id"});
    auto response = http::json_response(
        200, sessions::to_public_json(*session, ctx.config(), public_base_url(ctx, request)));
    // The stored state is still the truth as last known; say when it could not be refreshed.
    response.headers.emplace_back("paylinks-chain-check", chain_fault.empty() ? "ok"
                                                          : chain_fault == kChainChecksLimited
                                                              ? "limited"
                                                              : "unavailable");
    response.headers.emplace_back("access-control-allow-origin", "*");
    co_return response;
}

engine::Task<Response> verify_payment(engine::Context& ctx, const http::Request& request,
                                      std::string id) {
    auto body_or_error = read_json_body(request);
    if (auto* error = std::get_if<ApiError>(&body_or_error)) co_return http::error_response(*error);
    const Json& body = std::get<Json>(body_or_error);
    static constexpr std::array<std::string_view, 1> kFields = {"transactionHash"};
    if (auto error = reject_unknown_fields(body, kFields)) co_return http::error_response(*error);
    auto hash = body.find("transactionHash");
    if (hash == body.end()) co_return http::error_response(missing("transactionHash"));
    std::string transaction_hash;
    if (hash->is_string()) transaction_hash = hash->get<std::string>();
    for (auto& c : transaction_hash)
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!crypto::hex_decode_fixed<32>(transaction_hash))
        co_return http::error_response(
            invalid(ErrorCode::transaction_hash_invalid, "transactionHash",
                    "transactionHash must be 0x followed by 64 hex digits"));

    auto loaded = co_await sessions::load_session(ctx, id);
    if (auto* error = std::get_if<ApiError>(&loaded)) co_return http::error_response(*error);
    auto& session = std::get<std::optional<Session>>(loaded);
    if (!session)
        co_return http::error_response(
            ApiError{ErrorCode::resource_missing, "No such checkout session: '" + id + "'", "id"});
    const auto previous = session->status;
    auto checked = co_await chain::check_session(ctx, *session, transaction_hash, true);
    if (auto* fault = std::get_if<chain::Fault>(&checked))
        co_return http::error_response(ApiError{
            ErrorCode::upstream_unavailable,
            "The chain could not be checked right now; try again shortly (" + fault->message + ")",
            ""});
    auto& report = std::get<chain::CheckReport>(checked);
    if (report.changed) {
        session->updated_at_ms = ctx.now_ms();
        if (auto error = co_await sessions::save_session(ctx, *session, previous,
                                                         sessions::SaveKind::derived_from_chain))
            co_return http::error_response(*error);
    }
    const auto& receipt = *report.receipt;
    if (!receipt.found)
        co_return http::error_response(
            ApiError{ErrorCode::transaction_not_found,
                     "No mined transaction with this hash was found on " +
                         std::string(ctx.config().network->display_name) + " yet",
                     "transactionHash"});
    if (!receipt.succeeded)
        co_return http::error_response(
            ApiError{ErrorCode::transaction_not_payment,
                     "This transaction failed (reverted) and moved no funds", "transactionHash"});
    if (receipt.transfers.empty())
        co_return http::error_response(ApiError{ErrorCode::transaction_not_payment,
                                                "This transaction does not transfer " +
                                                    session->token_symbol +
                                                    " to this checkout's deposit address",
                                                "transactionHash"});
    co_return http::json_response(
        200, sessions::to_public_json(*session, ctx.config(), public_base_url(ctx, request)));
}

Response serve_asset(const http::Request& /*request*/, std::string_view name) {
    std::string_view body, type;
    if (name == "checkout.css") {
        body = pages::checkout_css();
        type = "text/css; charset=utf-8";
    } else if (name == "checkout.js") {
        body = pages::checkout_js();
        type = "text/javascript; charset=utf-8";
    } else if (name == "dashboard.css") {
        body = pages::dashboard_css();
        type = "text/css; charset=utf-8";
    } else if (name == "dashboard.js") {
        body = pages::dashboard_js();
        type = "text/javascript; charset=utf-8";
    } else {
        return http::error_response(ApiError{ErrorCode::route_missing, "No such asset", ""});
    }
    // The pages link assets with a content hash, so they can be cached for good.
    return Response{200,
                    {{"content-type", std::string(type)},
                     {"cache-control", "public, max-age=31536000, immutable"}},
                    std::string(body)};
}

} // namespace paylinks::api
