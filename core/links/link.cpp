#include "core/links/link.hpp"

#include "core/util/stored_fields.hpp"
#include "core/util/time.hpp"

namespace paylinks::links {

std::string link_key(std::string_view id) {
    return "link/" + std::string(id);
}
std::string slug_key(std::string_view slug) {
    return "slug/" + std::string(slug);
}

namespace {

using stored::read_int;
using stored::read_optional_string;
using stored::read_string;

} // namespace

std::string to_api_text(const Link& link, std::string_view base_url,
                        std::optional<std::size_t> completed_sessions) {
    auto currency = money::find_currency(link.fiat_currency);
    JsonObjectWriter out;
    out.string("id", link.id)
        .string("object", "payment_link")
        .string("slug", link.slug)
        .string("title", link.title)
        .optional_string("description", link.description)
        .string("fiatAmount", currency ? money::format_fiat_amount(link.fiat_amount, *currency)
                                       : std::to_string(link.fiat_amount))
        .string("fiatCurrency", link.fiat_currency)
        .optional_string("successUrl", link.success_url)
        .optional_string("cancelUrl", link.cancel_url)
        .boolean("active", link.active);
    if (link.expires_at_ms)
        out.string("expiresAt", time::format_iso8601(*link.expires_at_ms));
    else
        out.raw("expiresAt", "null");
    out.optional_integer("maxPayments", link.max_payments);
    if (link.max_payments && completed_sessions)
        out.integer("completedSessions", static_cast<std::int64_t>(*completed_sessions));
    else
        out.raw("completedSessions", "null");
    out.raw("metadata", dump_json(link.metadata));
    std::string checkout_url;
    checkout_url.reserve(base_url.size() + 3 + link.slug.size());
    checkout_url.append(base_url).append("/l/").append(link.slug);
    return out.string("checkoutUrl", checkout_url)
        .boolean("livemode", link.livemode)
        .string("createdAt", time::format_iso8601(link.created_at_ms))
        .string("updatedAt", time::format_iso8601(link.updated_at_ms))
        .finish();
}

std::string to_storage(const Link& link) {
    return JsonObjectWriter()
        .integer("v", 1)
        .string("id", link.id)
        .string("slug", link.slug)
        .string("title", link.title)
        .optional_string("description", link.description)
        .integer("fiatAmount", link.fiat_amount)
        .string("fiatCurrency", link.fiat_currency)
        .optional_string("successUrl", link.success_url)
        .optional_string("cancelUrl", link.cancel_url)
        .boolean("active", link.active)
        .optional_integer("expiresAt", link.expires_at_ms)
        .optional_integer("maxPayments", link.max_payments)
        .raw("metadata", dump_json(link.metadata))
        .boolean("livemode", link.livemode)
        .integer("createdAt", link.created_at_ms)
        .integer("updatedAt", link.updated_at_ms)
        .finish();
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
        if (!fits<std::int64_t>(*expires)) return std::nullopt;
        link.expires_at_ms = expires->get<std::int64_t>();
    }
    // Both are absent from records written before links had them.
    if (auto max = stored.find("maxPayments"); max != stored.end() && !max->is_null()) {
        if (!fits<std::int64_t>(*max) || max->get<std::int64_t>() < 1) return std::nullopt;
        link.max_payments = max->get<std::int64_t>();
    }
    if (auto metadata = stored.find("metadata"); metadata != stored.end()) {
        if (!metadata->is_object()) return std::nullopt;
        link.metadata = *metadata;
    }
    return link;
}

} // namespace paylinks::links
