#include "core/sessions/rate_source.hpp"

#include "core/num/uint256.hpp"
#include "core/util/stored_fields.hpp"

namespace paylinks::sessions {

Json to_json(const RateSource& source) {
    if (source.type == RateSource::Type::fixed) return Json{{"type", "static"}};
    return Json{{"type", "feed"},
                {"feed", eth::to_checksum_address(source.feed)},
                {"roundId", source.round_id},
                {"updatedAt", source.updated_at},
                {"answer", source.answer},
                {"decimals", source.decimals}};
}

std::optional<RateSource> rate_source_from_json(const Json& value) {
    if (!value.is_object()) return std::nullopt;
    std::string type;
    if (!stored::read_string(value, "type", type)) return std::nullopt;
    RateSource source;
    if (type == "static") return source;
    if (type != "feed") return std::nullopt;
    source.type = RateSource::Type::feed;
    std::string feed;
    std::uint64_t decimals = 0;
    if (!stored::read_string(value, "feed", feed) ||
        !stored::read_string(value, "roundId", source.round_id) ||
        !stored::read_int(value, "updatedAt", source.updated_at) ||
        !stored::read_string(value, "answer", source.answer) ||
        !stored::read_u64(value, "decimals", decimals) || decimals > 77 || source.updated_at < 0 ||
        !num::parse_decimal_u256(source.round_id) || !num::parse_decimal_u256(source.answer))
        return std::nullopt;
    auto address = eth::parse_address(feed);
    if (!address) return std::nullopt;
    source.feed = *address;
    source.decimals = static_cast<unsigned>(decimals);
    return source;
}

} // namespace paylinks::sessions
