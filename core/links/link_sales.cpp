#include "core/links/link_sales.hpp"

#include "core/store/listing.hpp"

#include <algorithm>

namespace paylinks::links {
namespace {

// Enough links for any shop; past it the memo starts over (it only saves lists).
constexpr std::size_t kMaxRememberedLinks = 10000;

void remember_sales(engine::Context& ctx, const std::string& link_id, std::size_t count) {
    auto& seen = ctx.shared().link_sales;
    if (seen.size() >= kMaxRememberedLinks && !seen.contains(link_id)) seen.clear();
    auto& known = seen[link_id];
    known = std::max(known, count);
}

} // namespace

std::string sales_prefix(std::string_view link_id) {
    std::string prefix(kSalePrefix);
    prefix.append(link_id).push_back('/');
    return prefix;
}

std::string sale_key(std::string_view link_id, std::string_view session_id) {
    return sales_prefix(link_id).append(session_id);
}

bool records_sale(const sessions::Session& session,
                  std::optional<sessions::Status> previous) noexcept {
    if (!session.link_id || !sessions::is_fulfilled(session.status)) return false;
    return previous && !sessions::is_fulfilled(*previous) && *previous != sessions::Status::reorged;
}

engine::Effect sale_write(const sessions::Session& session) {
    return engine::kv_put(sale_key(*session.link_id, session.id), "");
}

bool is_sale_write(const engine::Effect& effect) {
    if (!effect.is_object()) return false;
    auto op = effect.find("op");
    auto key = effect.find("key");
    return op != effect.end() && op->is_string() && op->get_ref<const std::string&>() == "kv.put" &&
           key != effect.end() && key->is_string() &&
           key->get_ref<const std::string&>().starts_with(kSalePrefix);
}

engine::Effect sales_list(std::string_view link_id, int at_most) {
    return engine::kv_list(sales_prefix(link_id), std::clamp(at_most, 1, kSalesListLimit));
}

std::optional<std::size_t> read_sales(engine::Context& ctx, const std::string& link_id,
                                      const Json& result, std::string& error) {
    auto page = engine::read_kv_list(result);
    if (!page.ok) {
        error = page.error;
        return std::nullopt;
    }
    remember_sales(ctx, link_id, page.keys.size());
    return page.keys.size();
}

engine::Task<std::variant<std::size_t, http::ApiError>>
count_sales(engine::Context& ctx, std::string link_id, int at_most) {
    auto result = co_await ctx.perform(sales_list(link_id, at_most));
    std::string error;
    auto count = read_sales(ctx, link_id, result, error);
    if (!count) co_return store::storage_error(error);
    co_return *count;
}

engine::Task<std::variant<bool, http::ApiError>> sold_out(engine::Context& ctx, const Link& link) {
    if (!link.max_payments) co_return false;
    const auto max = static_cast<std::size_t>(*link.max_payments);
    if (auto it = ctx.shared().link_sales.find(link.id);
        it != ctx.shared().link_sales.end() && it->second >= max)
        co_return true;
    auto counted = co_await count_sales(ctx, link.id, static_cast<int>(max));
    if (auto* error = std::get_if<http::ApiError>(&counted)) co_return std::move(*error);
    co_return std::get<std::size_t>(counted) >= max;
}

engine::Task<std::variant<std::optional<std::size_t>, http::ApiError>>
completed_sessions(engine::Context& ctx, const Link& link) {
    if (!link.max_payments) co_return std::optional<std::size_t>{};
    // Up to a full list, not maxPayments: what was sold past the limit is the merchant's to see.
    auto counted = co_await count_sales(ctx, link.id, kSalesListLimit);
    if (auto* error = std::get_if<http::ApiError>(&counted)) co_return std::move(*error);
    co_return std::optional<std::size_t>{std::get<std::size_t>(counted)};
}

http::ApiError sold_out_error(const Link& link) {
    return http::ApiError{
        http::ErrorCode::link_sold_out,
        "This payment link has sold out: " + std::to_string(link.max_payments.value_or(0)) +
            " of its sessions are paid (maxPayments)",
        "linkId"};
}

} // namespace paylinks::links
