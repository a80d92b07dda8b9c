#include "core/util/time.hpp"

#include <cstdio>

namespace paylinks::time {
namespace {

// Days since 1970-01-01 for a civil date (Gregorian), and back.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
    std::int64_t year;
    unsigned month, day;
};

constexpr Civil civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2), m, d};
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(civil_from_days(11017).year == 2000 && civil_from_days(11017).month == 3);

constexpr bool is_leap(std::int64_t y) noexcept {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
    constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

bool read_digits(std::string_view text, std::size_t at, std::size_t count, unsigned& out) {
    if (at + count > text.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
        out = out * 10 + static_cast<unsigned>(text[i] - '0');
    }
    return true;
}

} // namespace

std::string format_iso8601(std::int64_t unix_ms) {
    // Floor division, without an intermediate that could overflow.
    std::int64_t days = unix_ms / 86400000;
    std::int64_t ms_of_day = unix_ms % 86400000;
    if (ms_of_day < 0) {
        ms_of_day += 86400000;
        --days;
    }
    auto civil = civil_from_days(days);
    if (civil.year < 0 || civil.year > 9999) {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                      static_cast<long long>(civil.year), civil.month, civil.day,
                      static_cast<long long>(ms_of_day / 3600000),
                      static_cast<long long>(ms_of_day / 60000 % 60),
                      static_cast<long long>(ms_of_day / 1000 % 60),
                      static_cast<long long>(ms_of_day % 1000));
        return buffer;
    }
    // Every time the core stores is in years 1970-9999: written digit by digit, which is
    // several times faster than snprintf and on the path of every API object.
    std::string out = "0000-00-00T00:00:00.000Z";
    auto put = [&out](std::size_t at, std::size_t width, std::uint64_t value) {
        for (std::size_t i = width; i-- > 0; value /= 10)
            out[at + i] = static_cast<char>('0' + value % 10);
    };
    put(0, 4, static_cast<std::uint64_t>(civil.year));
    put(5, 2, civil.month);
    put(8, 2, civil.day);
    put(11, 2, static_cast<std::uint64_t>(ms_of_day / 3600000));
    put(14, 2, static_cast<std::uint64_t>(ms_of_day / 60000 % 60));
    put(17, 2, static_cast<std::uint64_t>(ms_of_day / 1000 % 60));
    put(20, 3, static_cast<std::uint64_t>(ms_of_day % 1000));
    return out;
}

std::optional<std::int64_t> parse_iso8601(std::string_view text) noexcept {
    unsigned year, month, day, hour, minute, second;
    if (text.size() < 20 || !read_digits(text, 0, 4, year) || text[4] != '-' ||
        !read_digits(text, 5, 2, month) || text[7] != '-' || !read_digits(text, 8, 2, day) ||
        (text[10] != 'T' && text[10] != 't') || !read_digits(text, 11, 2, hour) ||
        text[13] != ':' || !read_digits(text, 14, 2, minute) || text[16] != ':' ||
        !read_digits(text, 17, 2, second))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
        minute > 59 || second > 59)
        return std::nullopt;
    std::size_t at = 19;
    std::int64_t millis = 0;
    if (text[at] == '.') {
        ++at;
        std::size_t digits = 0;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
            if (digits < 3) millis = millis * 10 + (text[at] - '0');
            ++digits;
            ++at;
        }
        if (digits == 0 || digits > 9) return std::nullopt;
        for (; digits < 3; ++digits)
            millis *= 10;
    }
    std::int64_t offset_minutes = 0;
    if (at < text.size() && (text[at] == 'Z' || text[at] == 'z') && at + 1 == text.size()) {
        // UTC
    } else if (at + 6 == text.size() && (text[at] == '+' || text[at] == '-') &&
               text[at + 3] == ':') {
        unsigned oh, om;
        if (!read_digits(text, at + 1, 2, oh) || !read_digits(text, at + 4, 2, om) || oh > 23 ||
            om > 59)
            return std::nullopt;
        offset_minutes = (text[at] == '+' ? 1 : -1) * static_cast<std::int64_t>(oh * 60 + om);
    } else {
        return std::nullopt;
    }
    std::int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                           second - offset_minutes * 60;
    return seconds * 1000 + millis;
}

} // namespace paylinks::time
