#include "core/links/link.hpp"

#include "core/util/stored_fields.hpp"
#include "core/util/time.hpp"

namespace paylinks::links {

std::string link_key(std::string_view id) { return "link/" + std::string(id); }
std::string slug_key(std::string_view slug) { return "slug/" + std::string(slug); }

namespace {

using stored::optional_string;
using stored::read_int;
using stored::read_optional_string;
using stored::read_string;

Json optional_time(const std::optional<std::int64_t>& value) {
    return value ? Json(time::format_iso8601(*value)) : Json(nullptr);
}

} // namespace

Json to_api_json(const Link& link, std::string_view base_url) {
    auto currency = money::find_currency(link.fiat_currency);
    return Json{
        {"id", link.id},
        {"object", "payment_link"},
        {"slug", link.slug},
        {"title", link.title},
        {"description", optional_string(link.description)},
        {"fiatAmount", currency ? money::format_fiat_amount(link.fiat_amount, *currency)
                                : std::to_string(link.fiat_amount)},
        {"fiatCurrency", link.fiat_currency},
        {"successUrl", optional_string(link.success_url)},
        {"cancelUrl", optional_string(link.cancel_url)},
        {"active", link.active},
        {"expiresAt", optional_time(link.expires_at_ms)},
        {"checkoutUrl", std::string(base_url) + "/l/" + link.slug},
        {"livemode", link.livemode},
        {"createdAt", time::format_iso8601(link.created_at_ms)},
        {"updatedAt", time::format_iso8601(link.updated_at_ms)},
    };
}

std::string to_storage(const Link& link) {
    Json stored{
        {"v", 1},
        {"id", link.id},
        {"slug", link.slug},
        {"title", link.title},
        {"description", optional_string(link.description)},
        {"fiatAmount", link.fiat_amount},
        {"fiatCurrency", link.fiat_currency},
        {"successUrl", optional_string(link.success_url)},
        {"cancelUrl", optional_string(link.cancel_url)},
        {"active", link.active},
        {"expiresAt", link.expires_at_ms ? Json(*link.expires_at_ms) : Json(nullptr)},
        {"livemode", link.livemode},
        {"createdAt", link.created_at_ms},
        {"updatedAt", link.updated_at_ms},
    };
    return dump_json(stored);
}

std::optional<Link> from_storage(std::string_view text) {
    auto parsed = parse_json(text);
    if (!parsed || !parsed->is_object()) return std::nullopt;
    const Json& stored = *parsed;
    Link link;
    auto active = stored.find("active");
    auto livemode = stored.find("livemode");
    auto expires = stored.find("expiresAt");
    if (!read_string(stored, "id", link.id) || !read_string(stored, "slug", link.slug) ||
        !read_string(stored, "title", link.title) ||
        !read_optional_string(stored, "description", link.description) ||
        !read_int(stored, "fiatAmount", link.fiat_amount) ||
        !read_string(stored, "fiatCurrency", link.fiat_currency) ||
        !read_optional_string(stored, "successUrl", link.success_url) ||
        !read_optional_string(stored, "cancelUrl", link.cancel_url) ||
        !read_int(stored, "createdAt", link.created_at_ms) ||
        !read_int(stored, "updatedAt", link.updated_at_ms) || active == stored.end() ||
        !active->is_boolean() || livemode == stored.end() || !livemode->is_boolean())
        return std::nullopt;
    if (!money::find_currency(link.fiat_currency)) return std::nullopt;
    link.active = active->get<bool>();
    link.livemode = livemode->get<bool>();
    if (expires != stored.end() && !expires->is_null()) {
        if (!expires->is_number_integer()) return std::nullopt;
        link.expires_at_ms = expires->get<std::int64_t>();
    }
    return link;
}

} // namespace paylinks::links
