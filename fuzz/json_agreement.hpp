#pragma once
// core/util/json against an independent parser, nlohmann::json, on the same text: fuzz_json's
// oracle and the table in tests/unit/util/json_agreement_test.cpp.
//
// They must accept and refuse the same documents, read the same values, and each must read
// the other's serialisation back to those values. The differences that are meant:
// * nesting deeper than 512: core/util/json refuses it (its reader and writer recurse);
//   nlohmann has no limit;
// * a leading byte-order mark: core/util/json refuses it (RFC 8259 §8.1: none may be sent);
//   nlohmann skips it;
// * a NUL byte outside a string: core/util/json refuses it like any other stray byte;
//   nlohmann's reader takes it for the end of the input (for C strings) and ignores the rest;
// * numbers with a fraction, an exponent or beyond 64 bits: core/util/json keeps their text,
//   nlohmann a double, so they agree when the text reads as that double (strtod); one beyond
//   double's range (1e400) core/util/json keeps as text too, and nlohmann refuses the document
//   ("number overflow").
#include "core/util/json.hpp"

#ifndef JSON_NOEXCEPTION
#define JSON_NOEXCEPTION
#endif
#define JSON_HAS_FILESYSTEM 0
#define JSON_HAS_EXPERIMENTAL_FILESYSTEM 0
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace paylinks::json_agreement {

using Reference = nlohmann::ordered_json;

inline constexpr int kMaxDepth = 512;
inline constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

[[nodiscard]] inline std::optional<Reference> reference_parse(std::string_view text) {
    Reference value = Reference::parse(text.begin(), text.end(), nullptr, false);
    if (value.is_discarded()) return std::nullopt;
    return value;
}

/// The deepest nesting of brackets outside strings (no recursion: the text may nest deeply).
[[nodiscard]] inline int nesting(std::string_view text) noexcept {
    int depth = 0;
    int deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > deepest) deepest = depth;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return deepest;
}

/// Whether `value` holds a number that strtod reads as infinite.
[[nodiscard]] inline bool has_number_beyond_double(const Json& value) {
    if (value.is_number_text()) {
        const std::string text(value.number_source());
        return !std::isfinite(std::strtod(text.c_str(), nullptr));
    }
    for (const auto& element : value)
        if (has_number_beyond_double(element)) return true;
    return false;
}

/// Whether the two readings are the same value; `why` says where they differ.
[[nodiscard]] inline bool same_value(const Json& ours, const Reference& theirs, std::string& why) {
    if (ours.is_null() || ours.is_boolean() || ours.is_string()) {
        const bool same =
            (ours.is_null() && theirs.is_null()) ||
            (ours.is_boolean() && theirs.is_boolean() && ours.get<bool>() == theirs.get<bool>()) ||
            (ours.is_string() && theirs.is_string() &&
             ours.get_ref<const std::string&>() == theirs.get_ref<const std::string&>());
        if (!same) why = "scalar " + ours.dump() + " against " + theirs.dump();
        return same;
    }
    if (ours.is_number_integer()) {
        bool same = false;
        if (theirs.is_number_unsigned())
            same = ours.fits<std::uint64_t>() &&
                   ours.get<std::uint64_t>() == theirs.get<std::uint64_t>();
        else if (theirs.is_number_integer())
            same =
                ours.fits<std::int64_t>() && ours.get<std::int64_t>() == theirs.get<std::int64_t>();
        if (!same) why = "integer " + ours.dump() + " against " + theirs.dump();
        return same;
    }
    if (ours.is_number_text()) {
        if (!theirs.is_number_float()) {
            why = "number " + ours.dump() + " against " + theirs.dump();
            return false;
        }
        const std::string text(ours.number_source());
        const double mine = std::strtod(text.c_str(), nullptr);
        const double other = theirs.get<double>();
        const bool same = mine == other && std::signbit(mine) == std::signbit(other);
        if (!same) why = "number " + text + " against " + theirs.dump();
        return same;
    }
    if (ours.is_array()) {
        if (!theirs.is_array() || theirs.size() != ours.size()) {
            why = "array of " + std::to_string(ours.size()) + " against " + theirs.dump();
            return false;
        }
        for (std::size_t i = 0; i < ours.size(); ++i)
            if (!same_value(ours[i], theirs[i], why)) return false;
        return true;
    }
    // An object: the same members in the same order (a duplicate keeps its first place and its
    // last value in both).
    if (!theirs.is_object() || theirs.size() != ours.size()) {
        why = "object of " + std::to_string(ours.size()) + " against " + theirs.dump();
        return false;
    }
    auto other = theirs.begin();
    for (const auto& [key, member] : ours.items()) {
        if (other.key() != key) {
            why = "member " + key + " against " + other.key();
            return false;
        }
        if (!same_value(member, other.value(), why)) return false;
        ++other;
    }
    return true;
}

struct Verdict {
    bool ours = false;   ///< core/util/json accepts the text
    bool theirs = false; ///< nlohmann accepts it
    /// Empty when they agree, or when they differ only as the header comment says.
    std::string disagreement;
    /// Which of the meant differences applied, if one did.
    std::string intended;
};

/// Both parsers on `text`, and each one's serialisation read back by the other.
[[nodiscard]] inline Verdict compare(std::string_view text) {
    Verdict verdict;
    const auto ours = parse_json(text);
    const auto theirs = reference_parse(text);
    verdict.ours = ours.has_value();
    verdict.theirs = theirs.has_value();
    if (!ours) {
        if (theirs && text.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
            verdict.intended = "a leading byte-order mark";
        } else if (theirs && text.find('\0') != std::string_view::npos &&
                   reference_parse(text.substr(0, text.find('\0')))) {
            verdict.intended = "a NUL byte (nlohmann stops reading there)";
        } else if (theirs && nesting(text) > kMaxDepth) {
            verdict.intended = "nested deeper than 512";
        } else if (theirs) {
            verdict.disagreement = "only nlohmann accepts it";
        }
        return verdict;
    }
    if (!theirs) {
        if (has_number_beyond_double(*ours))
            verdict.intended = "a number beyond double's range";
        else
            verdict.disagreement = "only core/util/json accepts it";
        return verdict;
    }
    std::string why;
    if (!same_value(*ours, *theirs, why)) {
        verdict.disagreement = "different values: " + why;
        return verdict;
    }
    // Ours written, theirs read.
    const auto ours_read_by_theirs = reference_parse(dump_json(*ours));
    if (!ours_read_by_theirs || !same_value(*ours, *ours_read_by_theirs, why)) {
        verdict.disagreement = "nlohmann reads core/util/json's serialisation otherwise: " + why;
        return verdict;
    }
    // Theirs written, ours read.
    const auto theirs_read_by_ours =
        parse_json(theirs->dump(-1, ' ', false, Reference::error_handler_t::replace));
    if (!theirs_read_by_ours || !same_value(*theirs_read_by_ours, *theirs, why))
        verdict.disagreement = "core/util/json reads nlohmann's serialisation otherwise: " + why;
    return verdict;
}

} // namespace paylinks::json_agreement
