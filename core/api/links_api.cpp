#include "core/api/links_api.hpp"

#include "core/api/auth.hpp"
#include "core/api/idempotency.hpp"
#include "core/api/list_query.hpp"
#include "core/api/request_body.hpp"
#include "core/api/validate.hpp"
#include "core/events/event.hpp"
#include "core/ids/ids.hpp"
#include "core/links/link_sales.hpp"
#include "core/sessions/session_store.hpp"
#include "core/store/listing.hpp"

namespace paylinks::api {

using http::ApiError;
using http::ErrorCode;
using http::Response;

namespace {

constexpr std::int64_t kLinkCacheTtlSeconds = 60;

constexpr std::array<std::string_view, 10> kMutableFields = {
    "title",     "description", "fiatAmount", "fiatCurrency", "successUrl",
    "cancelUrl", "active",      "expiresAt",  "maxPayments",  "metadata"};
constexpr std::array<std::string_view, 8> kImmutableFields = {
    "id",          "object",    "slug",      "livemode",
    "checkoutUrl", "createdAt", "updatedAt", "completedSessions"};
constexpr std::array<std::string_view, 11> kCreateFields = {
    "title",  "description", "fiatAmount", "fiatCurrency", "successUrl", "cancelUrl",
    "active", "expiresAt",   "slug",       "maxPayments",  "metadata"};

ApiError not_found(const std::string& id) {
    return ApiError{ErrorCode::resource_missing, "No such payment link: '" + id + "'", "id"};
}

// Applies the members of `body` that a create or an update may set. On create every
// required member must be present; on update only the present ones change.
MaybeError apply_link_fields(links::Link& link, const Json& body, bool creating,
                             const Context& ctx) {
    const bool test_mode = !ctx.config().livemode;
    if (auto title = body.find("title"); title != body.end()) {
        if (auto error = check_title(*title, "title")) return error;
        link.title = title->get<std::string>();
    } else if (creating) {
        return missing("title");
    }
    if (auto description = body.find("description"); description != body.end()) {
        if (auto error = check_description(*description, "description")) return error;
        link.description =
            description->is_null() ? std::nullopt : std::optional(description->get<std::string>());
    }

    // Currency first: the amount is read in the (possibly new) currency's minor units.
    auto old_currency = money::find_currency(link.fiat_currency);
    auto currency = old_currency;
    if (auto code = body.find("fiatCurrency"); code != body.end()) {
        currency =
            code->is_string() ? money::find_currency(code->get<std::string>()) : std::nullopt;
        if (!currency)
            return invalid(ErrorCode::currency_invalid, "fiatCurrency",
                           "fiatCurrency must be a supported ISO 4217 code or USDC");
        if (auto error =
                check_priced_currency(ctx.config(), std::string(currency->code), "fiatCurrency"))
            return error;
    } else if (creating) {
        currency = money::find_currency(money::kDefaultCurrency);
    }
    auto amount = body.find("fiatAmount");
    if (amount == body.end() && creating) return missing("fiatAmount");
    std::string amount_text;
    const char* amount_param = "fiatAmount";
    if (amount != body.end()) {
        if (!amount->is_string())
            return invalid(
                ErrorCode::amount_invalid, "fiatAmount",
                "fiatAmount must be a string with at most 2 decimals, such as \"150.00\"");
        amount_text = amount->get<std::string>();
    } else if (currency && old_currency && currency->code != old_currency->code) {
        amount_text = money::format_fiat_amount(link.fiat_amount, *old_currency);
        amount_param = "fiatCurrency";
    }
    if (!amount_text.empty() || amount != body.end()) {
        auto parsed = money::parse_fiat_amount(amount_text, *currency);
        if (auto* error = std::get_if<money::AmountError>(&parsed))
            return invalid(ErrorCode::amount_invalid, amount_param,
                           "fiatAmount " + std::string(money::to_string(*error)) +
                               (*error == money::AmountError::too_precise
                                    ? " (" + std::string(currency->code) + " has " +
                                          std::to_string(currency->exponent) + ")"
                                    : std::string{}));
        link.fiat_amount = std::get<std::int64_t>(parsed);
    }
    link.fiat_currency = std::string(currency->code);

    for (const char* name : {"successUrl", "cancelUrl"}) {
        auto url = body.find(name);
        if (url == body.end()) continue;
        if (auto error = check_redirect_url(*url, name, test_mode)) return error;
        auto& field = std::string_view(name) == "successUrl" ? link.success_url : link.cancel_url;
        field = url->is_null() ? std::nullopt : std::optional(url->get<std::string>());
    }
    if (auto active = body.find("active"); active != body.end()) {
        if (!active->is_boolean())
            return invalid(ErrorCode::parameter_invalid, "active", "active must be true or false");
        link.active = active->get<bool>();
    }
    auto expires = read_timestamp(body, "expiresAt");
    if (!expires)
        return invalid(ErrorCode::expires_at_invalid, "expiresAt",
                       "expiresAt must be an ISO 8601 UTC timestamp, Unix seconds, or null");
    if (expires->present) {
        if (expires->unix_ms && *expires->unix_ms <= ctx.now_ms())
            return invalid(ErrorCode::expires_at_invalid, "expiresAt",
                           "expiresAt must be in the future");
        link.expires_at_ms = expires->unix_ms;
    }
    // Lowering maxPayments below what is already sold sells the link out at once.
    if (auto max = body.find("maxPayments"); max != body.end()) {
        if (auto error = check_max_payments(*max)) return error;
        link.max_payments = max->is_null() ? std::nullopt : std::optional(max->get<std::int64_t>());
    }
    // Replaced as a whole, like every other field of an update.
    if (auto metadata = body.find("metadata"); metadata != body.end()) {
        if (auto error = check_metadata(*metadata)) return error;
        link.metadata = *metadata;
    }
    return std::nullopt;
}

// The link's API object as JSON text: what a response carries, and its event records.
std::string link_text(const links::Link& link, const Context& ctx, const http::Request& request,
                      std::optional<std::size_t> completed = std::nullopt) {
    return links::to_api_text(link, public_base_url(ctx, request), completed);
}

// The link as its events carry it: its URLs never come from the request's Host, since events
// reach webhooks (sessions::object_base_url).
std::string event_text(const links::Link& link, Context& ctx,
                       std::optional<std::size_t> completed = std::nullopt) {
    return links::to_api_text(link, sessions::object_base_url(ctx), completed);
}

// Performs the link's writes and, only once they are all stored, records its event: a write
// KV refuses (a second one within its second) leaves no event for a change that never was.
Task<std::optional<ApiError>> write_then_record(Context& ctx, std::vector<engine::Effect> writes,
                                                std::string type, std::string event_object,
                                                std::string subject, std::string discriminator,
                                                std::int64_t at_ms) {
    for (const auto& result : co_await ctx.perform(std::move(writes)))
        if (!engine::succeeded(result))
            co_return store::storage_error(engine::failure_message(result));
    auto event = events::record_event(ctx, std::move(type), std::move(event_object),
                                      events::Fact{subject, discriminator, at_ms});
    auto results = co_await ctx.perform(event);
    events::request_deliveries(ctx, event, results);
    for (const auto& result : results)
        if (!engine::succeeded(result) && !engine::is_busy(result))
            co_return store::storage_error(engine::failure_message(result));
    co_return std::nullopt;
}

// The body of create_link once the request is known to be well-formed and new.
Task<Response> create_link_fresh(Context& ctx, const http::Request& request, Json body) {
    if (auto error = reject_unknown_fields(body, kCreateFields))
        co_return http::error_response(*error);
    links::Link link;
    link.livemode = ctx.config().livemode;
    if (auto error = apply_link_fields(link, body, true, ctx))
        co_return http::error_response(*error);

    std::array<std::uint8_t, ids::kIdRandomBytes> id_random{};
    ctx.random_bytes(id_random);
    link.id = ids::make_id(ids::kLinkPrefix, ctx.now_ms(), id_random);
    link.created_at_ms = link.updated_at_ms = ctx.now_ms();

    auto custom_slug = body.find("slug");
    std::optional<engine::Claim> slug_claim;
    if (custom_slug != body.end() && !custom_slug->is_null()) {
        if (!custom_slug->is_string() || !ids::is_valid_slug(custom_slug->get<std::string>()))
            co_return http::error_response(invalid(ErrorCode::slug_invalid, "slug",
                                                   "slug must match ^[a-z0-9][a-z0-9-]{2,63}$"));
        link.slug = custom_slug->get<std::string>();
        auto taken = [&] {
            return http::error_response(
                invalid(ErrorCode::slug_taken, "slug", "slug '" + link.slug + "' is taken"));
        };
        // A twin request creating the same slug right now would pass the read below too.
        slug_claim.emplace(ctx.shared(), links::slug_key(link.slug));
        if (!slug_claim->held()) co_return taken();
        auto existing =
            engine::read_kv_value(co_await ctx.perform(engine::kv_get(links::slug_key(link.slug))));
        if (!existing.ok) co_return http::error_response(store::storage_error(existing.error));
        if (existing.value) co_return taken();
    } else {
        // As unique as the id (ids.hpp), so no read is spent checking it.
        std::array<std::uint8_t, ids::kSlugRandomBytes> slug_random{};
        ctx.random_bytes(slug_random);
        link.slug = ids::make_slug(slug_random);
    }

    std::vector<engine::Effect> writes;
    writes.push_back(engine::kv_put(links::link_key(link.id), links::to_storage(link)));
    writes.push_back(engine::kv_put(links::slug_key(link.slug), link.id));
    writes.push_back(engine::kv_put(std::string(links::kLinkIndexPrefix) +
                                        ids::newest_first_key(link.id, ids::kLinkPrefix),
                                    ""));
    // A new id has no markers: nothing to list.
    const std::optional<std::size_t> sold = std::size_t{0};
    auto object = link_text(link, ctx, request, sold);
    if (auto error = co_await write_then_record(ctx, std::move(writes), "payment_link.created",
                                                event_text(link, ctx, sold), link.id, "",
                                                link.created_at_ms))
        co_return http::error_response(*error);
    co_return http::json_response(201, std::move(object));
}

// The link's stored form: none for an id that is malformed or names nothing.
Task<std::variant<std::optional<std::string>, ApiError>>
load_stored_link(Context& ctx, std::string id, bool fresh) {
    if (!ids::is_valid_id(id, ids::kLinkPrefix)) co_return std::optional<std::string>{};
    auto stored = engine::read_kv_value(co_await ctx.perform(
        engine::kv_get(links::link_key(id), fresh ? 0 : kLinkCacheTtlSeconds)));
    if (!stored.ok) co_return store::storage_error(stored.error);
    co_return std::move(stored.value);
}

ApiError unreadable(const std::string& id) {
    return store::storage_error("payment link " + id + " is unreadable");
}

} // namespace

std::string public_base_url(const Context& ctx, const http::Request& request) {
    return ctx.config().public_base_url.empty() ? request.origin : ctx.config().public_base_url;
}

Task<std::variant<std::optional<links::Link>, ApiError>> load_link(Context& ctx, std::string id,
                                                                   bool fresh) {
    auto stored = co_await load_stored_link(ctx, id, fresh);
    if (auto* error = std::get_if<ApiError>(&stored)) co_return std::move(*error);
    auto& text = std::get<std::optional<std::string>>(stored);
    if (!text) co_return std::optional<links::Link>{};
    auto link = links::from_storage(*text);
    if (!link) co_return unreadable(id);
    co_return std::optional<links::Link>{std::move(*link)};
}

Task<Response> create_link(Context& ctx, const http::Request& request) {
    auto slot = idempotency_slot(request, "POST /api/v1/payment_links");
    if (auto* error = std::get_if<ApiError>(&slot)) co_return http::error_response(*error);
    auto body = read_json_body(request);
    if (auto* error = std::get_if<ApiError>(&body)) co_return http::error_response(*error);

    auto* idempotency = std::get_if<IdempotencySlot>(&slot);
    std::optional<engine::Claim> claim;
    if (idempotency) {
        claim.emplace(ctx.shared(), idempotency->kv_key);
        if (!claim->held()) co_return idempotency_in_use_response();
        if (auto replay = co_await replay_if_seen(ctx, *idempotency)) co_return std::move(*replay);
    }
    auto response = co_await create_link_fresh(ctx, request, std::get<Json>(std::move(body)));
    if (idempotency) {
        if (auto remember = remember_response(*idempotency, response))
            (void)co_await ctx.perform(std::move(*remember)); // best effort: the link exists
    }
    co_return response;
}

Task<Response> list_links(Context& ctx, const http::Request& request) {
    auto query = read_list_query(request, ids::kLinkPrefix, {});
    if (auto* error = std::get_if<ApiError>(&query)) co_return http::error_response(*error);
    auto page = co_await store::list_index_page(ctx, std::string(links::kLinkIndexPrefix),
                                                std::string(ids::kLinkPrefix),
                                                std::get<ListQuery>(query).page, nullptr);
    if (auto* error = std::get_if<ApiError>(&page)) co_return http::error_response(*error);
    auto& entries = std::get<store::Page>(page);

    std::vector<engine::Effect> reads;
    for (const auto& entry : entries.entries)
        reads.push_back(engine::kv_get(links::link_key(entry.id), kLinkCacheTtlSeconds));
    auto results = co_await ctx.perform(std::move(reads));
    std::vector<links::Link> page_links;
    for (const auto& result : results) {
        auto stored = engine::read_kv_value(result);
        if (!stored.ok) co_return http::error_response(store::storage_error(stored.error));
        if (!stored.value) continue; // deleted since the index was read
        if (auto link = links::from_storage(*stored.value)) page_links.push_back(std::move(*link));
    }
    // Links with maxPayments are counted, in one batch of lists; the others cost nothing.
    std::vector<engine::Effect> counts;
    for (const auto& link : page_links)
        if (link.max_payments) counts.push_back(links::sales_list(link.id, links::kSalesListLimit));
    std::vector<Json> counted;
    if (!counts.empty()) counted = co_await ctx.perform(std::move(counts));
    std::vector<std::string> data;
    auto base = public_base_url(ctx, request);
    std::size_t next_count = 0;
    for (const auto& link : page_links) {
        std::optional<std::size_t> sold;
        if (link.max_payments) {
            std::string error;
            sold = links::read_sales(ctx, link.id, counted.at(next_count++), error);
            if (!sold) co_return http::error_response(store::storage_error(error));
        }
        data.push_back(links::to_api_text(link, base, sold));
    }
    co_return http::json_response(200, list_text("/api/v1/payment_links", data, entries.has_more));
}

Task<Response> retrieve_link(Context& ctx, const http::Request& request, std::string id) {
    auto stored = co_await load_stored_link(ctx, id, false);
    if (auto* error = std::get_if<ApiError>(&stored)) co_return http::error_response(*error);
    auto& text = std::get<std::optional<std::string>>(stored);
    if (!text) co_return http::error_response(not_found(id));
    // A hot link is rendered once per stored form and base URL, not once per request.
    auto base = public_base_url(ctx, request);
    auto& rendered = ctx.shared().link_api_texts;
    if (const auto* object = rendered.find(*text, base))
        co_return http::json_response(200, *object);
    auto link = links::from_storage(*text);
    if (!link) co_return http::error_response(unreadable(id));
    if (link->max_payments) {
        // Its count changes with no change to its record: counted every time, never memoised.
        auto sold = co_await links::completed_sessions(ctx, *link);
        if (auto* error = std::get_if<ApiError>(&sold)) co_return http::error_response(*error);
        co_return http::json_response(
            200, links::to_api_text(*link, base, std::get<std::optional<std::size_t>>(sold)));
    }
    auto object = links::to_api_text(*link, base);
    rendered.remember(std::move(*text), std::move(base), object);
    co_return http::json_response(200, std::move(object));
}

Task<Response> update_link(Context& ctx, const http::Request& request, std::string id) {
    auto body = read_json_body(request);
    if (auto* error = std::get_if<ApiError>(&body)) co_return http::error_response(*error);
    const Json& fields = std::get<Json>(body);
    if (auto error = reject_unknown_fields(fields, kMutableFields, kImmutableFields))
        co_return http::error_response(*error);

    auto loaded = co_await load_link(ctx, id, true);
    if (auto* error = std::get_if<ApiError>(&loaded)) co_return http::error_response(*error);
    auto& link = std::get<std::optional<links::Link>>(loaded);
    if (!link) co_return http::error_response(not_found(id));
    if (auto error = apply_link_fields(*link, fields, false, ctx))
        co_return http::error_response(*error);
    link->updated_at_ms = std::max(ctx.now_ms(), link->created_at_ms);
    auto sold_or_error = co_await links::completed_sessions(ctx, *link);
    if (auto* error = std::get_if<ApiError>(&sold_or_error)) co_return http::error_response(*error);
    const auto sold = std::get<std::optional<std::size_t>>(sold_or_error);
    auto object = link_text(*link, ctx, request, sold);
    // An update is named by what the link became (its count aside, which moves on its own):
    // the same update retried is one event.
    auto stored_object = event_text(*link, ctx, sold);
    auto discriminator = event_text(*link, ctx);
    std::vector<engine::Effect> writes;
    writes.push_back(engine::kv_put(links::link_key(link->id), links::to_storage(*link)));
    if (auto error =
            co_await write_then_record(ctx, std::move(writes), "payment_link.updated",
                                       stored_object, link->id, discriminator, link->updated_at_ms))
        co_return http::error_response(*error);
    co_return http::json_response(200, std::move(object));
}

Task<Response> delete_link(Context& ctx, const http::Request& /*request*/, std::string id) {
    auto loaded = co_await load_link(ctx, id, true);
    if (auto* error = std::get_if<ApiError>(&loaded)) co_return http::error_response(*error);
    auto& link = std::get<std::optional<links::Link>>(loaded);
    if (!link) co_return http::error_response(not_found(id));
    std::vector<engine::Effect> deletes;
    deletes.push_back(engine::kv_delete(links::link_key(link->id)));
    deletes.push_back(engine::kv_delete(links::slug_key(link->slug)));
    deletes.push_back(engine::kv_delete(std::string(links::kLinkIndexPrefix) +
                                        ids::newest_first_key(link->id, ids::kLinkPrefix)));
    if (auto error = co_await write_then_record(ctx, std::move(deletes), "payment_link.deleted",
                                                event_text(*link, ctx), link->id, "", ctx.now_ms()))
        co_return http::error_response(*error);
    co_return http::json_response(
        200, Json{{"id", link->id}, {"object", "payment_link"}, {"deleted", true}});
}

} // namespace paylinks::api
