#include "core/ids/ids.hpp"

namespace paylinks::ids {
namespace {

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static_assert(kCrockford.size() == 32);

// Digit value by byte, -1 for a byte outside the alphabet: ids are checked on every request
// that names one, so one load per character rather than a search of the alphabet.
struct DigitTable {
    signed char value[256];
};
constexpr DigitTable make_digit_table() {
    DigitTable table{};
    for (auto& v : table.value)
        v = -1;
    for (std::size_t i = 0; i < kCrockford.size(); ++i)
        table.value[static_cast<unsigned char>(kCrockford[i])] = static_cast<signed char>(i);
    return table;
}
constexpr DigitTable kDigits = make_digit_table();

constexpr int crockford_value(char c) noexcept {
    return kDigits.value[static_cast<unsigned char>(c)];
}
static_assert(crockford_value('0') == 0 && crockford_value('Z') == 31 &&
              crockford_value('I') == -1 && crockford_value('a') == -1 &&
              crockford_value('\xff') == -1);

} // namespace

std::string make_id(std::string_view prefix, std::int64_t now_ms,
                    std::span<const std::uint8_t, kIdRandomBytes> random) {
    std::string out(prefix);
    out.resize(prefix.size() + kIdBodyLength);
    char* body = out.data() + prefix.size();
    // 48-bit time, most significant first: 10 digits, the first of which holds 3 bits.
    auto time = static_cast<std::uint64_t>(now_ms < 0 ? 0 : now_ms) & ((1ull << 48) - 1);
    for (int i = 9; i >= 0; --i) {
        body[i] = kCrockford[time & 31];
        time >>= 5;
    }
    // 80 random bits: 16 digits.
    unsigned bits = 0, acc = 0, at = 10;
    for (auto byte : random) {
        acc = (acc << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            body[at++] = kCrockford[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    return out;
}

bool is_valid_id(std::string_view id, std::string_view prefix) noexcept {
    return id_time_ms(id, prefix).has_value();
}

std::optional<std::int64_t> id_time_ms(std::string_view id, std::string_view prefix) noexcept {
    if (id.size() != prefix.size() + kIdBodyLength || id.substr(0, prefix.size()) != prefix)
        return std::nullopt;
    auto body = id.substr(prefix.size());
    if (crockford_value(body[0]) > 7) return std::nullopt; // would overflow 48 bits
    std::int64_t time = 0;
    for (std::size_t i = 0; i < body.size(); ++i) {
        int v = crockford_value(body[i]);
        if (v < 0) return std::nullopt;
        if (i < 10) time = time * 32 + v;
    }
    return time;
}

std::string newest_first_key(std::string_view id, std::string_view prefix) {
    std::string out(id.substr(std::min(prefix.size(), id.size())));
    for (auto& c : out) {
        int v = crockford_value(c);
        c = v < 0 ? c : kCrockford[31 - v];
    }
    return out;
}

std::string id_from_newest_first_key(std::string_view key, std::string_view prefix) {
    std::string out(prefix);
    out += newest_first_key(key, {}); // inversion is its own inverse
    return out;
}

std::string make_slug(std::span<const std::uint8_t, kSlugRandomBytes> random) {
    constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    std::string out;
    unsigned bits = 0;
    std::uint64_t acc = 0;
    for (auto byte : random) {
        acc = (acc << 8) | byte;
        bits += 8;
        while (bits >= 5 && out.size() < kSlugLength) {
            out.push_back(kAlphabet[(acc >> (bits - 5)) & 31]);
            bits -= 5;
        }
    }
    return out;
}

bool is_valid_slug(std::string_view slug) noexcept {
    if (slug.size() < 3 || slug.size() > 64) return false;
    for (std::size_t i = 0; i < slug.size(); ++i) {
        char c = slug[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && !(c == '-' && i > 0)) return false;
    }
    return true;
}

} // namespace paylinks::ids
