#include "core/api/sessions_api.hpp"

#include "core/api/auth.hpp"
#include "core/api/idempotency.hpp"
#include "core/api/links_api.hpp"
#include "core/api/list_query.hpp"
#include "core/api/rate_limits.hpp"
#include "core/api/request_body.hpp"
#include "core/api/validate.hpp"
#include "core/chain/price_feed.hpp"
#include "core/chain/watcher.hpp"
#include "core/eth/create2.hpp"
#include "core/ids/ids.hpp"
#include "core/links/link_sales.hpp"
#include "core/refunds/refund.hpp"
#include "core/sessions/payment_state.hpp"
#include "core/sessions/pricing.hpp"
#include "core/sessions/session_json.hpp"
#include "core/sessions/session_store.hpp"
#include "core/store/listing.hpp"

namespace paylinks::api {

using http::ApiError;
using http::ErrorCode;
using http::Response;
using sessions::Session;

namespace {

constexpr std::int64_t kMinLifetimeMs = 5 * 60 * 1000;
constexpr std::int64_t kMaxLifetimeMs = 24 * 60 * 60 * 1000;

constexpr std::array<std::string_view, 9> kAdHocFields = {
    "fiatAmount", "fiatCurrency", "title",         "description", "successUrl",
    "cancelUrl",  "metadata",     "customerEmail", "expiresAt"};
constexpr std::array<std::string_view, 4> kLinkModeFields = {"linkId", "metadata", "customerEmail",
                                                             "expiresAt"};
constexpr std::array<std::string_view, 3> kPublicFields = {"linkId", "metadata", "customerEmail"};

ApiError session_not_found(const std::string& id) {
    return ApiError{ErrorCode::resource_missing, "No such checkout session: '" + id + "'", "id"};
}

MaybeError check_email(const Json& value) {
    if (value.is_null()) return std::nullopt;
    auto bad = invalid(ErrorCode::email_invalid, "customerEmail",
                       "customerEmail must be an email address such as name@example.com");
    if (!value.is_string()) return bad;
    const auto& email = value.get_ref<const std::string&>();
    auto at = email.find('@');
    if (email.size() > 254 || at == std::string::npos || at == 0 ||
        email.find('@', at + 1) != std::string::npos)
        return bad;
    auto domain = std::string_view(email).substr(at + 1);
    auto dot = domain.find('.');
    if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return bad;
    for (unsigned char c : email)
        if (c <= 0x20 || c == 0x7F || c == '<' || c == '>' || c == '"' || c == ',') return bad;
    return std::nullopt;
}

// Reads the members every session may carry: metadata, customerEmail, expiresAt.
MaybeError read_common(SessionDraft& draft, const Json& body, std::int64_t now_ms) {
    if (auto metadata = body.find("metadata"); metadata != body.end()) {
        if (auto error = check_metadata(*metadata)) return error;
        if (draft.from_customer) {
            draft.customer_metadata = *metadata;
        } else {
            // The merchant's own keys over the link's: one object, held to the same rules.
            for (const auto& [key, value] : metadata->items())
                draft.metadata[key] = value;
            if (draft.metadata.size() > 50)
                return invalid(ErrorCode::metadata_invalid, "metadata",
                               "metadata has at most 50 keys, the link's included");
        }
    }
    if (auto email = body.find("customerEmail"); email != body.end()) {
        if (auto error = check_email(*email)) return error;
        if (email->is_string()) draft.customer_email = email->get<std::string>();
    }
    auto expires = read_timestamp(body, "expiresAt");
    if (!expires)
        return invalid(ErrorCode::expires_at_invalid, "expiresAt",
                       "expiresAt must be an ISO 8601 UTC timestamp or Unix seconds");
    if (expires->present && expires->unix_ms) {
        auto lifetime = *expires->unix_ms - now_ms;
        if (lifetime < kMinLifetimeMs || lifetime > kMaxLifetimeMs)
            return invalid(ErrorCode::expires_at_invalid, "expiresAt",
                           "expiresAt must be between 5 minutes and 24 hours from now");
        draft.expires_at_ms = *expires->unix_ms;
    }
    return std::nullopt;
}

MaybeError read_ad_hoc(SessionDraft& draft, const Json& body, const Context& ctx) {
    auto currency_value = body.find("fiatCurrency");
    auto currency = currency_value == body.end()
                        ? money::find_currency(money::kDefaultCurrency)
                        : (currency_value->is_string()
                               ? money::find_currency(currency_value->get<std::string>())
                               : std::nullopt);
    if (!currency)
        return invalid(ErrorCode::currency_invalid, "fiatCurrency",
                       "fiatCurrency must be a supported ISO 4217 code or USDC");
    if (auto error =
            check_priced_currency(ctx.config(), std::string(currency->code), "fiatCurrency"))
        return error;
    auto amount = body.find("fiatAmount");
    if (amount == body.end()) return missing("fiatAmount");
    if (!amount->is_string())
        return invalid(ErrorCode::amount_invalid, "fiatAmount",
                       "fiatAmount must be a string with at most 2 decimals, such as \"150.00\"");
    auto parsed = money::parse_fiat_amount(amount->get<std::string>(), *currency);
    if (auto* error = std::get_if<money::AmountError>(&parsed))
        return invalid(ErrorCode::amount_invalid, "fiatAmount",
                       "fiatAmount " + std::string(money::to_string(*error)));
    draft.fiat_amount = std::get<std::int64_t>(parsed);
    draft.fiat_currency = std::string(currency->code);
    draft.title = "Payment";
    if (auto title = body.find("title"); title != body.end()) {
        if (auto error = check_title(*title, "title")) return error;
        draft.title = title->get<std::string>();
    }
    if (auto description = body.find("description"); description != body.end()) {
        if (auto error = check_description(*description, "description")) return error;
        if (description->is_string()) draft.description = description->get<std::string>();
    }
    const bool test_mode = !ctx.config().livemode;
    for (const char* name : {"successUrl", "cancelUrl"}) {
        auto url = body.find(name);
        if (url == body.end()) continue;
        if (auto error = check_redirect_url(*url, name, test_mode)) return error;
        if (url->is_string())
            (std::string_view(name) == "successUrl" ? draft.success_url : draft.cancel_url) =
                url->get<std::string>();
    }
    return std::nullopt;
}

} // namespace

SessionDraft draft_from_link(const links::Link& link) {
    SessionDraft draft;
    draft.link = link;
    draft.title = link.title;
    draft.description = link.description;
    draft.fiat_amount = link.fiat_amount;
    draft.fiat_currency = link.fiat_currency;
    draft.success_url = link.success_url;
    draft.cancel_url = link.cancel_url;
    draft.metadata = link.metadata;
    return draft;
}

Task<std::variant<Session, ApiError>> open_session(Context& ctx, SessionDraft draft) {
    const auto& config = ctx.config();
    auto currency = money::find_currency(draft.fiat_currency);
    const auto kind = currency ? config::rate_source_kind(config, draft.fiat_currency)
                               : config::RateSourceKind::unavailable;
    if (kind == config::RateSourceKind::unavailable)
        co_return ApiError{ErrorCode::rate_unavailable,
                           "No exchange rate is configured for " + draft.fiat_currency +
                               " (set RATE_FEEDS or RATES, e.g. {\"" + draft.fiat_currency +
                               "\":\"1.08\"})",
                           "fiatCurrency"};
    // A feed is read before anything else: a round it cannot vouch for prices nothing.
    std::optional<chain::FeedRate> feed_rate;
    if (kind == config::RateSourceKind::feed) {
        const auto& feed = config.rate_feeds.at(draft.fiat_currency);
        auto read = co_await chain::read_feed(ctx, feed);
        if (auto* fault = std::get_if<chain::FeedFault>(&read))
            co_return ApiError{
                fault->code == chain::FeedError::call_failed ? ErrorCode::upstream_unavailable
                                                             : ErrorCode::rate_unavailable,
                "The " + draft.fiat_currency + " rate is unavailable: its price feed " +
                    eth::to_checksum_address(feed) + " was refused (" + fault->message + ")",
                "fiatCurrency"};
        feed_rate = std::get<chain::FeedRate>(read);
    }
    // Priced in the token's decimals as the chain states them, from the head on.
    auto quote_or_fault = co_await chain::describe_token(ctx);
    if (auto* fault = std::get_if<chain::Fault>(&quote_or_fault))
        co_return ApiError{fault->misconfigured ? ErrorCode::configuration_invalid
                                                : ErrorCode::upstream_unavailable,
                           fault->misconfigured ? "The service is misconfigured: " + fault->message
                                                : "The chain could not be reached to price this "
                                                  "checkout; try again shortly (" +
                                                      fault->message + ")",
                           ""};
    const auto& quote = std::get<chain::TokenQuote>(quote_or_fault);
    // With several options, the amount due is priced in the finest decimals among them (each
    // option rounds it up to its own), so that payments in any of them add up exactly.
    unsigned finest = quote.decimals;
    for (std::size_t k = 1; k < config.chains.size(); ++k)
        for (const auto& token : config.chains[k].tokens)
            finest = std::max(finest, token.declared_decimals.value_or(0));
    Session session;
    session.token_decimals = finest;
    session.token_symbol = quote.symbol;
    if (quote.head)
        session.start_block =
            *quote.head > chain::kReorgMarginBlocks ? *quote.head - chain::kReorgMarginBlocks : 0;
    std::array<std::uint8_t, ids::kIdRandomBytes> random{};
    ctx.random_bytes(random);
    session.id = ids::make_id(ids::kSessionPrefix, ctx.now_ms(), random);
    session.link_mode = draft.link.has_value();
    if (draft.link) session.link_id = draft.link->id;
    session.title = std::move(draft.title);
    session.description = std::move(draft.description);
    session.fiat_amount = draft.fiat_amount;
    session.fiat_currency = draft.fiat_currency;
    if (feed_rate) {
        auto due = sessions::token_amount_due(draft.fiat_amount, *currency, feed_rate->answer,
                                              feed_rate->decimals, finest);
        if (!due)
            co_return ApiError{ErrorCode::rate_unavailable,
                               "The " + draft.fiat_currency +
                                   " price feed's answer is too large to price with",
                               "fiatCurrency"};
        session.amount_due = *due;
        session.exchange_rate = sessions::rate_text(feed_rate->answer, feed_rate->decimals);
        sessions::RateSource source;
        source.type = sessions::RateSource::Type::feed;
        source.feed = feed_rate->feed;
        source.round_id = num::to_decimal(feed_rate->round_id);
        source.updated_at = feed_rate->updated_at;
        source.answer = num::to_decimal(feed_rate->answer);
        source.decimals = feed_rate->decimals;
        session.rate_source = std::move(source);
    } else {
        const auto& rate = config.rates.at(draft.fiat_currency);
        session.exchange_rate = rate.text;
        session.amount_due = sessions::token_amount_due(draft.fiat_amount, *currency, rate, finest);
        if (kind == config::RateSourceKind::fixed) session.rate_source = sessions::RateSource{};
    }
    if (config.chains.size() > 1) {
        const auto& primary = config.chains.front();
        session.options.push_back(sessions::PaymentOption{
            primary.name, primary.chain_id, config.token, quote.symbol, quote.decimals,
            sessions::option_amount_due(session.amount_due, finest, quote.decimals)});
        for (std::size_t k = 1; k < config.chains.size(); ++k) {
            // Its first block there, from the head this instance last saw (no RPC call); else
            // estimated from its age when first read (chain::first_block_for).
            if (auto head = chain::known_head(ctx, k))
                session.other_chains[config.chains[k].name].start_block =
                    *head > chain::kReorgMarginBlocks ? *head - chain::kReorgMarginBlocks : 0;
            for (const auto& token : config.chains[k].tokens) {
                const unsigned decimals = token.declared_decimals.value_or(finest);
                session.options.push_back(sessions::PaymentOption{
                    config.chains[k].name, config.chains[k].chain_id, token.address, token.symbol,
                    decimals, sessions::option_amount_due(session.amount_due, finest, decimals)});
            }
        }
    }
    // The same factory and implementation on every network: one address for all of them.
    session.deposit_address =
        eth::DepositAddressDeriver(config.forwarder_factory, config.forwarder_implementation)
            .derive(session.id);
    session.metadata = std::move(draft.metadata);
    session.customer_metadata = std::move(draft.customer_metadata);
    session.customer_email = std::move(draft.customer_email);
    session.customer_email_from_customer = draft.from_customer && session.customer_email;
    session.success_url = std::move(draft.success_url);
    session.cancel_url = std::move(draft.cancel_url);
    session.expires_at_ms =
        draft.expires_at_ms.value_or(ctx.now_ms() + config.session_ttl_seconds * 1000);
    session.livemode = config.livemode;
    session.created_at_ms = session.updated_at_ms = ctx.now_ms();
    if (auto error = co_await sessions::save_session(ctx, session, std::nullopt,
                                                     sessions::SaveKind::decision))
        co_return std::move(*error);
    co_return session;
}

Task<std::variant<std::optional<Session>, ApiError>>
load_fresh_session(Context& ctx, std::string id, std::string* chain_fault, bool chain_allowed) {
    auto loaded = co_await sessions::load_session(ctx, id);
    if (auto* error = std::get_if<ApiError>(&loaded)) co_return std::move(*error);
    auto& session = std::get<std::optional<Session>>(loaded);
    if (!session) co_return std::optional<Session>{};
    const auto previous = session->status;
    bool changed = false;
    if (!chain_allowed) {
        // The session's chain checks are spent: the stored state is the answer, and the
        // caller can say it was not refreshed.
        if (chain_fault) *chain_fault = std::string(kChainChecksLimited);
        changed = sessions::apply_clock(*session, ctx.now_ms());
    } else {
        auto checked = co_await chain::check_session(ctx, *session, std::nullopt, false);
        if (auto* fault = std::get_if<chain::Fault>(&checked)) {
            if (chain_fault) *chain_fault = fault->message;
            // The clock still runs when the chain cannot be reached.
            changed = sessions::apply_clock(*session, ctx.now_ms());
        } else {
            changed = std::get<chain::CheckReport>(checked).changed;
        }
    }
    if (!changed) co_return std::move(session);
    session->updated_at_ms = std::max(session->updated_at_ms, ctx.now_ms());
    if (auto error = co_await sessions::save_session(ctx, *session, previous,
                                                     sessions::SaveKind::derived_from_chain))
        co_return std::move(*error);
    co_return std::move(session);
}

Task<Response> create_session(Context& ctx, const http::Request& request) {
    // Admission refused a wrong key: keyed or anonymous is all that is left to tell.
    const bool keyed = request.keyed;
    auto slot = idempotency_slot(request, "POST /api/v1/checkout_sessions");
    if (auto* error = std::get_if<ApiError>(&slot)) co_return http::error_response(*error);
    // Anonymous callers share no secret: a key such as a cart number could be sent by two
    // customers, and a replay would hand one the other's deposit address. Their key is
    // checked for form and otherwise ignored: each request opens its own session.
    if (!keyed) slot = std::monostate{};
    auto body_or_error = read_json_body(request);
    if (auto* error = std::get_if<ApiError>(&body_or_error)) co_return http::error_response(*error);
    const Json& body = std::get<Json>(body_or_error);
    auto* idempotency = std::get_if<IdempotencySlot>(&slot);
    std::optional<engine::Claim> claim;
    if (idempotency) {
        claim.emplace(ctx.shared(), idempotency->kv_key);
        if (!claim->held()) co_return idempotency_in_use_response();
        if (auto replay = co_await replay_if_seen(ctx, *idempotency)) co_return std::move(*replay);
    }

    // Error responses are built in a named variable before `co_await respond(…)`: GCC 12
    // destroys an ApiError temporary in a co_await's operand twice (a crash natively).
    auto respond = [&](Response response) -> Task<Response> {
        if (idempotency) {
            if (auto remember = remember_response(*idempotency, response))
                (void)co_await ctx.perform(std::move(*remember));
        }
        co_return response;
    };

    SessionDraft draft;
    auto link_id = body.find("linkId");
    if (link_id == body.end()) {
        if (!keyed) {
            auto refusal = http::error_response(
                ApiError{ErrorCode::api_key_missing,
                         "Ad-hoc sessions need the secret key; without one, pass a linkId", ""});
            co_return co_await respond(std::move(refusal));
        }
        if (auto error = reject_unknown_fields(body, kAdHocFields))
            co_return co_await respond(http::error_response(*error));
        if (auto error = read_ad_hoc(draft, body, ctx))
            co_return co_await respond(http::error_response(*error));
    } else {
        std::span<const std::string_view> allowed =
            keyed ? std::span<const std::string_view>(kLinkModeFields) : kPublicFields;
        if (auto error = reject_unknown_fields(body, allowed)) {
            // Price fields with a linkId are a contradiction, not a typo.
            co_return co_await respond(http::error_response(*error));
        }
        if (!link_id->is_string()) {
            auto refusal = http::error_response(
                invalid(ErrorCode::parameter_invalid, "linkId", "linkId must be a string"));
            co_return co_await respond(std::move(refusal));
        }
        auto loaded = co_await load_link(ctx, link_id->get<std::string>(), false);
        if (auto* error = std::get_if<ApiError>(&loaded))
            co_return co_await respond(http::error_response(*error));
        auto& link = std::get<std::optional<links::Link>>(loaded);
        if (!link) {
            auto refusal = http::error_response(
                ApiError{ErrorCode::resource_missing,
                         "No such payment link: '" + link_id->get<std::string>() + "'", "linkId"});
            co_return co_await respond(std::move(refusal));
        }
        if (!link->open_for_sessions(ctx.now_ms())) {
            auto refusal = http::error_response(ApiError{
                ErrorCode::link_inactive,
                link->active ? "This payment link has expired" : "This payment link is not active",
                "linkId"});
            co_return co_await respond(std::move(refusal));
        }
        auto sold_out = co_await links::sold_out(ctx, *link);
        if (auto* error = std::get_if<ApiError>(&sold_out))
            co_return co_await respond(http::error_response(*error));
        if (std::get<bool>(sold_out)) {
            auto refusal = http::error_response(links::sold_out_error(*link));
            co_return co_await respond(std::move(refusal));
        }
        draft = draft_from_link(*link);
        draft.from_customer = !keyed;
    }
    if (auto error = read_common(draft, body, ctx.now_ms()))
        co_return co_await respond(http::error_response(*error));

    // Counted only now that a session is about to be opened (anonymous calls are link mode).
    std::string limiter_fault;
    if (!keyed && draft.link) {
        std::string counted_link = draft.link->id;
        auto refusal = co_await admit_session(ctx, request, std::move(counted_link), limiter_fault);
        if (refusal) co_return std::move(*refusal);
    }
    auto opened = co_await open_session(ctx, std::move(draft));
    if (auto* error = std::get_if<ApiError>(&opened))
        co_return co_await respond(http::error_response(*error));
    const auto& session = std::get<Session>(opened);
    auto base = public_base_url(ctx, request);
    Json object = keyed ? sessions::to_api_json(session, ctx.config(), base)
                        : sessions::to_public_json(session, ctx.config(), base);
    auto created = http::json_response(201, object);
    api::mark_limiter_fault(created, limiter_fault);
    co_return co_await respond(std::move(created));
}

Task<Response> list_sessions(Context& ctx, const http::Request& request) {
    auto query_or_error = read_list_query(request, ids::kSessionPrefix, {"linkId", "status"});
    if (auto* error = std::get_if<ApiError>(&query_or_error))
        co_return http::error_response(*error);
    auto& query = std::get<ListQuery>(query_or_error);
    std::string link_filter, status_filter;
    if (auto it = query.filters.find("linkId"); it != query.filters.end()) {
        if (!ids::is_valid_id(it->second, ids::kLinkPrefix))
            co_return http::error_response(invalid(ErrorCode::parameter_invalid, "linkId",
                                                   "linkId must be a payment link id (pl_…)"));
        link_filter = it->second;
    }
    if (auto it = query.filters.find("status"); it != query.filters.end()) {
        if (!sessions::parse_status(it->second))
            co_return http::error_response(invalid(
                ErrorCode::parameter_invalid, "status",
                "status must be one of open, detected, paid, underpaid, overpaid, paid_late, "
                "expired, reorged"));
        status_filter = it->second;
    }
    store::IndexFilter filter = nullptr;
    if (!link_filter.empty() || !status_filter.empty()) {
        filter = [link_filter, status_filter](const store::IndexEntry& entry) {
            if (!entry.metadata.is_object()) return false;
            if (!status_filter.empty() && string_or(entry.metadata, "s") != status_filter)
                return false;
            if (!link_filter.empty() && string_or(entry.metadata, "l") != link_filter) return false;
            return true;
        };
    }
    auto page = co_await store::list_index_page(ctx, std::string(sessions::kSessionKeyPrefix),
                                                std::string(ids::kSessionPrefix), query.page,
                                                std::move(filter));
    if (auto* error = std::get_if<ApiError>(&page)) co_return http::error_response(*error);
    auto& entries = std::get<store::Page>(page);
    std::vector<std::string> page_ids;
    for (const auto& entry : entries.entries)
        page_ids.push_back(entry.id);
    auto results = co_await ctx.perform(sessions::session_reads(page_ids));
    std::vector<std::string> data;
    auto base = public_base_url(ctx, request);
    std::vector<Session> listed;
    for (std::size_t i = 0; i < page_ids.size(); ++i) {
        auto loaded = sessions::read_loaded_session(results, i);
        // An unreadable record is left out of the page, as before; KV failing fails it.
        if (!loaded.ok && !loaded.unreadable)
            co_return http::error_response(store::storage_error(loaded.error));
        if (loaded.session) listed.push_back(std::move(*loaded.session));
    }
    // Sessions with refunds show them: their records in one more batch (none without).
    std::vector<Session*> with_refunds;
    for (auto& session : listed)
        if (!session.refund_ids.empty()) with_refunds.push_back(&session);
    if (auto error = co_await refunds::apply_refunds_to_all(ctx, std::move(with_refunds)))
        co_return http::error_response(*error);
    for (const auto& session : listed)
        data.push_back(dump_json(sessions::to_api_json(session, ctx.config(), base)));
    co_return http::json_response(200,
                                  list_text("/api/v1/checkout_sessions", data, entries.has_more));
}

Task<Response> retrieve_session(Context& ctx, const http::Request& request, std::string id) {
    auto loaded = co_await load_fresh_session(ctx, id, nullptr);
    if (auto* error = std::get_if<ApiError>(&loaded)) co_return http::error_response(*error);
    auto& session = std::get<std::optional<Session>>(loaded);
    if (!session) co_return http::error_response(session_not_found(id));
    co_return http::json_response(
        200, sessions::to_api_json(*session, ctx.config(), public_base_url(ctx, request)));
}

Task<Response> expire_session(Context& ctx, const http::Request& request, std::string id) {
    auto body = read_json_body(request);
    if (auto* error = std::get_if<ApiError>(&body)) co_return http::error_response(*error);
    if (auto error =
            reject_unknown_fields(std::get<Json>(body), std::span<const std::string_view>{}))
        co_return http::error_response(*error);
    auto loaded = co_await sessions::load_session(ctx, id);
    if (auto* error = std::get_if<ApiError>(&loaded)) co_return http::error_response(*error);
    auto& session = std::get<std::optional<Session>>(loaded);
    if (!session) co_return http::error_response(session_not_found(id));
    const auto previous = session->status;
    // A merchant's decision is taken against the chain as it is now, never against a
    // throttled or cached view: a payment seen by this check refuses the expiry.
    auto checked = co_await chain::check_session(ctx, *session, std::nullopt, true);
    if (auto* fault = std::get_if<chain::Fault>(&checked))
        co_return http::error_response(
            ApiError{ErrorCode::upstream_unavailable,
                     "The chain could not be checked, so the session was not expired; try again "
                     "shortly (" +
                         fault->message + ")",
                     ""});
    sessions::apply_clock(*session, ctx.now_ms());
    const bool expirable = session->status == sessions::Status::open && session->payments.empty();
    if (!expirable) {
        // What the check learnt is kept, then the refusal says why.
        if (session->status != previous || std::get<chain::CheckReport>(checked).changed) {
            session->updated_at_ms = std::max(session->updated_at_ms, ctx.now_ms());
            if (auto error = co_await sessions::save_session(
                    ctx, *session, previous, sessions::SaveKind::derived_from_chain))
                co_return http::error_response(*error);
        }
        co_return http::error_response(ApiError{
            ErrorCode::session_not_expirable,
            session->payments.empty()
                ? "Only open sessions can be expired; this one is " +
                      std::string(sessions::to_string(session->status))
                : "A payment to this session is on chain (status " +
                      std::string(sessions::to_string(session->status)) + "); it cannot be expired",
            ""});
    }
    // Expiring is moving expiresAt to now: anything paid later is paid_late, as usual.
    session->expires_at_ms = std::min(session->expires_at_ms, ctx.now_ms());
    sessions::apply_clock(*session, ctx.now_ms());
    session->updated_at_ms = ctx.now_ms();
    // The decision first, apart from the record: a writer that loaded the record before it
    // and writes it back later cannot undo it (session_store.hpp, decision_key).
    auto decided = co_await ctx.perform(sessions::decision_write(ctx, *session));
    if (!engine::succeeded(decided))
        co_return http::error_response(store::storage_error(engine::failure_message(decided)));
    if (auto error =
            co_await sessions::save_session(ctx, *session, previous, sessions::SaveKind::decision))
        co_return http::error_response(*error);
    co_return http::json_response(
        200, sessions::to_api_json(*session, ctx.config(), public_base_url(ctx, request)));
}

} // namespace paylinks::api
