#include "core/api/refunds_api.hpp"

#include "core/api/idempotency.hpp"
#include "core/api/list_query.hpp"
#include "core/api/request_body.hpp"
#include "core/api/sweeps_api.hpp"
#include "core/chain/rpc.hpp"
#include "core/chain/watcher.hpp"
#include "core/events/event.hpp"
#include "core/ids/ids.hpp"
#include "core/refunds/refund.hpp"
#include "core/refunds/refund_watcher.hpp"
#include "core/sessions/session_store.hpp"
#include "core/store/listing.hpp"

#include <algorithm>
#include <deque>

namespace paylinks::api {

using engine::Context;
using engine::Task;
using http::ApiError;
using http::ErrorCode;
using http::Response;
using refunds::Refund;

namespace {

/// treasury() of the forwarder implementation (as sweeps read it).
constexpr std::string_view kTreasurySelector = "0x61d027b3";

ApiError session_not_found(const std::string& id) {
    return ApiError{ErrorCode::resource_missing, "No such checkout session: '" + id + "'", "id"};
}
ApiError refund_not_found(const std::string& id) {
    return ApiError{ErrorCode::resource_missing, "No such refund: '" + id + "'", "id"};
}
ApiError chain_error(const chain::Fault& fault) {
    return ApiError{
        fault.misconfigured ? ErrorCode::configuration_invalid : ErrorCode::upstream_unavailable,
        fault.misconfigured ? "The service is misconfigured: " + fault.message
                            : "The chain could not be read, try again: " + fault.message,
        ""};
}

Task<std::variant<std::optional<Refund>, ApiError>> load_refund(Context& ctx, std::string id) {
    if (!ids::is_valid_id(id, ids::kRefundPrefix)) co_return std::optional<Refund>{};
    auto get = engine::kv_get(refunds::refund_key(id));
    auto stored = engine::read_kv_value(co_await ctx.perform(std::move(get)));
    if (!stored.ok) co_return store::storage_error(stored.error);
    if (!stored.value) co_return std::optional<Refund>{};
    auto refund = refunds::from_storage(*stored.value);
    if (!refund) co_return store::storage_error("refund " + id + " is unreadable");
    co_return std::optional<Refund>{std::move(*refund)};
}

/// The records of `ids`, in that order; missing ones left out.
Task<std::variant<std::vector<std::string>, ApiError>>
refund_texts(Context& ctx, const std::vector<std::string>& ids) {
    std::vector<engine::Effect> reads;
    for (const auto& id : ids)
        reads.push_back(engine::kv_get(refunds::refund_key(id)));
    std::vector<std::string> data;
    for (const auto& result : co_await ctx.perform(std::move(reads))) {
        auto stored = engine::read_kv_value(result);
        if (!stored.ok) co_return store::storage_error(stored.error);
        if (!stored.value) continue;
        if (auto refund = refunds::from_storage(*stored.value))
            data.push_back(dump_json(refunds::to_api_json(*refund)));
    }
    co_return data;
}

/// Whose transfer proves the refund: REFUND_SENDER, TREASURY, else the forwarder
/// implementation's treasury() (one eth_call).
Task<std::variant<eth::Address, ApiError>> refund_sender(Context& ctx) {
    const auto& config = ctx.config();
    if (config.refund_sender) co_return *config.refund_sender;
    if (config.treasury) co_return *config.treasury;
    auto call = chain::eth_call_view(config.forwarder_implementation, kTreasurySelector);
    auto read = read_address_word(co_await ctx.perform(std::move(call)));
    if (!read)
        co_return ApiError{ErrorCode::upstream_unavailable,
                           "The treasury could not be read from FORWARDER_IMPLEMENTATION's "
                           "treasury(); try again",
                           ""};
    co_return *read;
}

Task<Response> create_refund_once(Context& ctx, const http::Request& request,
                                  const std::string& session_id) {
    auto body = read_json_body(request);
    if (auto* error = std::get_if<ApiError>(&body)) co_return http::error_response(*error);
    auto parsed = refunds::read_refund_request(std::get<Json>(body));
    if (auto* error = std::get_if<ApiError>(&parsed)) co_return http::error_response(*error);
    const auto& asked = std::get<refunds::RefundRequest>(parsed);

    auto loaded = co_await sessions::load_session(ctx, session_id);
    if (auto* error = std::get_if<ApiError>(&loaded)) co_return http::error_response(*error);
    auto& session = std::get<std::optional<sessions::Session>>(loaded);
    if (!session) co_return http::error_response(session_not_found(session_id));
    // What the stored state says was confirmed: a payment not yet confirmed is not refunded.
    auto terms = refunds::decide_terms(*session, asked);
    if (auto* error = std::get_if<ApiError>(&terms)) co_return http::error_response(*error);
    auto& decided = std::get<refunds::RefundTerms>(terms);

    // Paid back on the network the payment came in on.
    const auto chain_index = refunds::chain_index_of(ctx.config(), decided.network);
    if (!chain_index)
        co_return http::error_response(
            ApiError{ErrorCode::session_not_refundable,
                     "The payment came in on " + decided.network +
                         ", which this deployment no longer watches (NETWORKS)",
                     ""});
    std::optional<std::uint64_t> head;
    std::string network_name;
    std::uint64_t chain_id = 0;
    eth::Address token_address{};
    std::string token_symbol;
    {
        engine::Context::ChainGuard guard(ctx, *chain_index);
        const auto& scoped = ctx.config();
        // The head now: a transfer proves the refund only from the next block on, so nothing
        // sent before the refund existed can be taken for it.
        auto quote = co_await chain::describe_token(ctx);
        if (auto* fault = std::get_if<chain::Fault>(&quote))
            co_return http::error_response(chain_error(*fault));
        head = std::get<chain::TokenQuote>(quote).head;
        network_name = scoped.network ? std::string(scoped.network->name) : std::string{};
        chain_id = scoped.network ? scoped.network->chain_id : 0;
        token_address = decided.token == eth::Address{} ? scoped.token : decided.token;
        token_symbol = session->token_symbol;
        for (const auto& option : session->options)
            if (option.network == network_name && option.token == token_address)
                token_symbol = option.symbol;
    }
    if (!head)
        co_return http::error_response(ApiError{
            ErrorCode::upstream_unavailable,
            "The chain's head could not be read, so the refund was not created; try again", ""});
    auto sender = co_await refund_sender(ctx);
    if (auto* error = std::get_if<ApiError>(&sender)) co_return http::error_response(*error);

    const auto& config = ctx.config();
    Refund refund;
    std::array<std::uint8_t, ids::kIdRandomBytes> random{};
    ctx.random_bytes(random);
    refund.id = ids::make_id(ids::kRefundPrefix, ctx.now_ms(), random);
    refund.session_id = session->id;
    refund.network = network_name;
    refund.chain_id = chain_id;
    refund.token = token_address;
    refund.token_symbol = token_symbol;
    refund.token_decimals = decided.decimals;
    refund.to = decided.to;
    refund.sender = std::get<eth::Address>(sender);
    refund.amount = decided.amount;
    refund.start_block = *head + 1;
    refund.reason = asked.reason;
    refund.created_at_ms = ctx.now_ms();
    refund.livemode = config.livemode;
    session->refund_ids.push_back(refund.id);

    // One batch: the record, its pending entry, the session's decision naming it, the marker
    // that wakes the tick, the event, and the QR the answer shows.
    std::vector<engine::Effect> writes;
    writes.push_back(engine::kv_put(refunds::refund_key(refund.id), refunds::to_storage(refund),
                                    refunds::record_metadata(refund)));
    writes.push_back(
        engine::kv_put(refunds::pending_key(refund.id), "", refunds::pending_metadata(refund)));
    writes.push_back(sessions::decision_write(ctx, *session));
    writes.push_back(engine::kv_put(std::string(refunds::kPendingMarkerKey),
                                    dump_json(Json{{"at", ctx.now_ms()}})));
    auto event =
        events::record_event(ctx, "refund.created", dump_json(refunds::to_api_json(refund)),
                             events::Fact{refund.id, "created", refund.created_at_ms});
    for (auto& write : event)
        writes.push_back(std::move(write));
    auto effects = writes;
    effects.push_back(engine::render_qr_svg(refunds::payment_uri(refund)));
    auto results = co_await ctx.perform(std::move(effects));
    std::vector<Json> write_results(results.begin(), results.begin() + writes.size());
    events::request_deliveries(ctx, writes, write_results);
    for (std::size_t i = 0; i < writes.size(); ++i) {
        const auto& result = write_results[i];
        if (engine::succeeded(result)) continue;
        // The marker is shared by every create: another one's write within the second is
        // as good as this one's.
        if (engine::is_busy(result) && (events::is_event_write(writes[i]) || i == 3)) continue;
        auto failed = store::storage_error(engine::failure_message(result));
        co_return http::error_response(failed);
    }
    auto qr = engine::read_string_value(results.back());
    std::optional<std::string> svg;
    if (qr && qr->rfind("<svg", 0) == 0) svg = std::move(*qr);
    co_return http::json_response(201, refunds::to_api_json(refund, std::move(svg)));
}

} // namespace

Task<Response> create_refund(Context& ctx, const http::Request& request, std::string session_id) {
    auto slot =
        idempotency_slot(request, "POST /api/v1/checkout_sessions/" + session_id + "/refunds");
    if (auto* error = std::get_if<ApiError>(&slot)) co_return http::error_response(*error);
    auto* idempotency = std::get_if<IdempotencySlot>(&slot);
    std::optional<engine::Claim> claim;
    if (idempotency) {
        claim.emplace(ctx.shared(), idempotency->kv_key);
        if (!claim->held()) co_return idempotency_in_use_response();
        if (auto replay = co_await replay_if_seen(ctx, *idempotency)) co_return std::move(*replay);
    }
    auto response = co_await create_refund_once(ctx, request, session_id);
    if (idempotency) {
        if (auto remember = remember_response(*idempotency, response))
            (void)co_await ctx.perform(std::move(*remember));
    }
    co_return response;
}

Task<Response> list_session_refunds(Context& ctx, const http::Request& request,
                                    std::string session_id) {
    auto query_or_error = read_list_query(request, ids::kRefundPrefix, {});
    if (auto* error = std::get_if<ApiError>(&query_or_error))
        co_return http::error_response(*error);
    const auto& page = std::get<ListQuery>(query_or_error).page;
    auto loaded = co_await sessions::load_session(ctx, session_id);
    if (auto* error = std::get_if<ApiError>(&loaded)) co_return http::error_response(*error);
    auto& session = std::get<std::optional<sessions::Session>>(loaded);
    if (!session) co_return http::error_response(session_not_found(session_id));
    // Ids are time-ordered: descending is newest first, and cursors compare as ids.
    auto ids = session->refund_ids;
    std::sort(ids.begin(), ids.end(), std::greater<>());
    const auto limit = static_cast<std::size_t>(page.limit);
    std::deque<std::string> window;
    for (const auto& id : ids) {
        if (!page.starting_after.empty() && id >= page.starting_after) continue;
        if (!page.ending_before.empty()) {
            if (id <= page.ending_before) break;
            window.push_back(id);
            if (window.size() > limit + 1) window.pop_front();
            continue;
        }
        window.push_back(id);
        if (window.size() > limit) break;
    }
    const bool has_more = window.size() > limit;
    if (has_more) {
        if (!page.ending_before.empty())
            window.pop_front();
        else
            window.pop_back();
    }
    std::vector<std::string> wanted(window.begin(), window.end());
    auto texts = co_await refund_texts(ctx, wanted);
    if (auto* error = std::get_if<ApiError>(&texts)) co_return http::error_response(*error);
    co_return http::json_response(200,
                                  list_text("/api/v1/checkout_sessions/" + session_id + "/refunds",
                                            std::get<std::vector<std::string>>(texts), has_more));
}

Task<Response> list_refunds(Context& ctx, const http::Request& request) {
    auto query_or_error = read_list_query(request, ids::kRefundPrefix, {});
    if (auto* error = std::get_if<ApiError>(&query_or_error))
        co_return http::error_response(*error);
    auto& query = std::get<ListQuery>(query_or_error);
    auto page =
        co_await store::list_index_page(ctx, std::string(refunds::kRefundKeyPrefix),
                                        std::string(ids::kRefundPrefix), query.page, nullptr);
    if (auto* error = std::get_if<ApiError>(&page)) co_return http::error_response(*error);
    auto& entries = std::get<store::Page>(page);
    std::vector<std::string> wanted;
    for (const auto& entry : entries.entries)
        wanted.push_back(entry.id);
    auto texts = co_await refund_texts(ctx, wanted);
    if (auto* error = std::get_if<ApiError>(&texts)) co_return http::error_response(*error);
    co_return http::json_response(
        200,
        list_text("/api/v1/refunds", std::get<std::vector<std::string>>(texts), entries.has_more));
}

Task<Response> retrieve_refund(Context& ctx, const http::Request& /*request*/, std::string id) {
    auto loaded = co_await load_refund(ctx, id);
    if (auto* error = std::get_if<ApiError>(&loaded)) co_return http::error_response(*error);
    auto& refund = std::get<std::optional<Refund>>(loaded);
    if (!refund) co_return http::error_response(refund_not_found(id));
    std::optional<std::string> svg;
    if (refund->status == refunds::Status::pending) {
        // A fault leaves the stored state as the answer: the tick checks again.
        auto checked = co_await refunds::check_refund(ctx, *refund, false);
        (void)checked;
    }
    if (refund->status == refunds::Status::pending) {
        auto render = engine::render_qr_svg(refunds::payment_uri(*refund));
        auto rendered = co_await ctx.perform(std::move(render));
        auto qr = engine::read_string_value(rendered);
        if (qr && qr->rfind("<svg", 0) == 0) svg = std::move(*qr);
    }
    co_return http::json_response(200, refunds::to_api_json(*refund, std::move(svg)));
}

Task<Response> verify_refund(Context& ctx, const http::Request& request, std::string id) {
    auto body = read_json_body(request);
    if (auto* error = std::get_if<ApiError>(&body)) co_return http::error_response(*error);
    const Json& fields = std::get<Json>(body);
    if (!fields.is_object()) {
        auto refused = ApiError{ErrorCode::body_not_object, "The body must be a JSON object", ""};
        co_return http::error_response(refused);
    }
    std::string hash;
    for (const auto& [name, value] : fields.items()) {
        if (name != "transactionHash") {
            auto refused = ApiError{ErrorCode::parameter_unknown,
                                    "Unknown parameter: " + std::string(name), std::string(name)};
            co_return http::error_response(refused);
        }
        if (value.is_string()) hash = value.get<std::string>();
    }
    bool hash_ok = hash.size() == 66 && hash.compare(0, 2, "0x") == 0;
    for (std::size_t i = 2; hash_ok && i < hash.size(); ++i) {
        char& c = hash[i];
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
        hash_ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
    if (!fields.contains("transactionHash")) {
        auto refused = ApiError{ErrorCode::parameter_missing, "transactionHash is required",
                                "transactionHash"};
        co_return http::error_response(refused);
    }
    if (!hash_ok) {
        auto refused =
            ApiError{ErrorCode::transaction_hash_invalid,
                     "transactionHash must be \"0x\" and 64 hex digits", "transactionHash"};
        co_return http::error_response(refused);
    }
    auto loaded = co_await load_refund(ctx, id);
    if (auto* error = std::get_if<ApiError>(&loaded)) co_return http::error_response(*error);
    auto& refund = std::get<std::optional<Refund>>(loaded);
    if (!refund) co_return http::error_response(refund_not_found(id));
    auto verified = co_await refunds::verify_refund(ctx, *refund, hash);
    if (auto* error = std::get_if<ApiError>(&verified)) co_return http::error_response(*error);
    co_return http::json_response(200, refunds::to_api_json(*refund));
}

} // namespace paylinks::api
