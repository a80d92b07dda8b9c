#pragma once
// What the fuzz targets share: property checks that abort loudly, and hostile JSON — random
// values of every type and mutations of well-formed objects — drawn from the input bytes.
#include "core/util/json.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fuzzer/FuzzedDataProvider.h>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace paylinks::fuzzing {

[[noreturn]] inline void fail(const char* what, const char* file, int line,
                              const std::string& detail) {
    std::fprintf(stderr, "%s:%d: property violated: %s\n  %s\n", file, line, what, detail.c_str());
    std::abort();
}

/// Aborts (a finding) when a property does not hold; `detail` says what was seen.
#define FUZZ_CHECK(condition, detail)                                                              \
    do {                                                                                           \
        if (!(condition)) ::paylinks::fuzzing::fail(#condition, __FILE__, __LINE__, (detail));     \
    } while (0)

/// Strings the core reads somewhere: hex quantities at their edges, addresses and topics,
/// statuses, ids, amounts, times, and text that is not UTF-8.
inline constexpr std::string_view kInterestingStrings[] = {
    "",
    "0",
    "-1",
    "1e3",
    "0x",
    "0x0",
    "0x00",
    "0x1",
    "0X1",
    "0x10",
    "0xffffffffffffffff",
    "0x10000000000000000",
    "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "0x0000000000000000000000000000000000000000000000000000000000000001",
    "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    "0x5fbdb2315678afecb367f032d93f642f64180aa3",
    "0x0000000000000000000000000000000000000000",
    "0x0000000000000000000000005fbdb2315678afecb367f032d93f642f64180aa3",
    "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
    "115792089237316195423570985008687907853269984665640564039457584007913129639935",
    "115792089237316195423570985008687907853269984665640564039457584007913129639936",
    "9223372036854775807",
    "18446744073709551616",
    "1.5",
    "150.00",
    "0.01",
    "100000000",
    "999999999999.999999999999",
    "open",
    "detected",
    "paid",
    "underpaid",
    "overpaid",
    "paid_late",
    "expired",
    "pending",
    "succeeded",
    "failed",
    "link",
    "ad_hoc",
    "USD",
    "jpy",
    "USDC",
    "pl_",
    "cs_",
    "evt_",
    "we_",
    "whsec_",
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "https://merchant.example/hooks",
    "javascript:alert(1)",
    "2026-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999Z",
    "<script>alert(1)</script>",
    "\xff\xfe\xc3",
    "%zz",
    "a\x01",
};

inline std::string random_text(FuzzedDataProvider& in) {
    if (in.ConsumeBool()) return std::string(in.PickValueInArray(kInterestingStrings));
    return in.ConsumeRandomLengthString(64);
}

inline Json random_number(FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange<int>(0, 11)) {
    case 0:
        return 0;
    case 1:
        return -1;
    case 2:
        return std::numeric_limits<std::int64_t>::min();
    case 3:
        return std::numeric_limits<std::int64_t>::max();
    case 4:
        return std::numeric_limits<std::uint64_t>::max();
    case 5:
        return Json::number_text("1.5");
    case 6:
        return Json::number_text("-0.0");
    case 7:
        return Json::number_text("1e300");
    case 8:
        return std::int64_t{253402300799};
    case 9:
        return std::int64_t{1'795'000'000'000};
    case 10:
        return in.ConsumeIntegral<std::uint64_t>();
    default:
        return in.ConsumeIntegral<std::int64_t>();
    }
}

/// Field names of the stored objects, API bodies, effect results, logs and receipts.
inline constexpr const char* kFieldNames[] = {
    "ok",
    "error",
    "value",
    "keys",
    "name",
    "metadata",
    "cursor",
    "complete",
    "status",
    "body",
    "durationMs",
    "id",
    "v",
    "mode",
    "title",
    "fiatAmount",
    "fiatCurrency",
    "rate",
    "due",
    "deposit",
    "payments",
    "tx",
    "li",
    "from",
    "amount",
    "block",
    "time",
    "conf",
    "expiresAt",
    "createdAt",
    "updatedAt",
    "paidAt",
    "livemode",
    "linkId",
    "slug",
    "active",
    "url",
    "secret",
    "enabledEvents",
    "type",
    "data",
    "attempts",
    "address",
    "topics",
    "transactionHash",
    "blockNumber",
    "logIndex",
    "removed",
    "logs",
    "blockTimestamp",
    "d",
    "c",
    "e",
    "s",
    "n",
    "l",
};

inline Json random_json(FuzzedDataProvider& in, int depth = 3) {
    const int kind = in.ConsumeIntegralInRange<int>(0, depth > 0 ? 6 : 3);
    switch (kind) {
    case 0:
        return nullptr;
    case 1:
        return in.ConsumeBool();
    case 2:
        return random_number(in);
    case 3:
        return random_text(in);
    case 4:
    case 5: {
        Json array = Json::array();
        const int n = in.ConsumeIntegralInRange<int>(0, 4);
        for (int i = 0; i < n; ++i)
            array.push_back(random_json(in, depth - 1));
        return array;
    }
    default: {
        Json object = Json::object();
        const int n = in.ConsumeIntegralInRange<int>(0, 4);
        for (int i = 0; i < n; ++i) {
            std::string key = in.ConsumeBool() ? std::string(in.PickValueInArray(kFieldNames))
                                               : in.ConsumeRandomLengthString(8);
            object[key] = random_json(in, depth - 1);
        }
        return object;
    }
    }
}

inline void collect_numbers(Json& value, std::vector<Json*>& out) {
    if (value.is_number()) out.push_back(&value);
    if (value.is_structured())
        for (auto& item : value)
            collect_numbers(item, out);
}

/// Changes one node of `value` somewhere: a new value of any type, a removed or added member,
/// a cut string, an extreme number. Everything else stays as it was, so well-formed objects
/// become almost-well-formed ones and reach the readers' deepest checks.
inline void mutate_json(Json& value, FuzzedDataProvider& in) {
    if (in.ConsumeIntegralInRange<int>(0, 3) == 0) {
        // Any number anywhere (a time, a count, a status) at an edge of its type.
        std::vector<Json*> numbers;
        collect_numbers(value, numbers);
        if (!numbers.empty()) {
            *numbers[in.ConsumeIntegralInRange<std::size_t>(0, numbers.size() - 1)] =
                random_number(in);
            return;
        }
    }
    Json* node = &value;
    Json* parent = nullptr;
    std::string key_in_parent;
    for (int depth = 0; depth < 8 && node->is_structured() && !node->empty() && in.ConsumeBool();
         ++depth) {
        parent = node;
        const auto index = in.ConsumeIntegralInRange<std::size_t>(0, node->size() - 1);
        if (node->is_array()) {
            node = &(*node)[index];
            key_in_parent.clear();
        } else {
            auto& member = node->items()[index];
            key_in_parent = member.first;
            node = &member.second;
        }
    }
    switch (in.ConsumeIntegralInRange<int>(0, 5)) {
    case 0:
        if (parent && parent->is_object()) {
            parent->erase(key_in_parent);
            return;
        }
        *node = random_json(in);
        return;
    case 1:
        if (node->is_object()) {
            (*node)[std::string(in.PickValueInArray(kFieldNames))] = random_json(in, 2);
            return;
        }
        *node = random_json(in);
        return;
    case 2:
        if (node->is_string()) {
            auto text = node->get<std::string>();
            text.resize(in.ConsumeIntegralInRange<std::size_t>(0, text.size()));
            text += in.ConsumeRandomLengthString(4);
            *node = text;
            return;
        }
        *node = random_number(in);
        return;
    case 3:
        *node = random_number(in);
        return;
    case 4:
        *node = random_text(in);
        return;
    default:
        *node = random_json(in);
        return;
    }
}

/// `text` (a stored JSON document) after mutate_json, or cut short, or not JSON at all.
inline std::string mutate_document(const std::string& text, FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange<int>(0, 4)) {
    case 0:
        return text.substr(0, in.ConsumeIntegralInRange<std::size_t>(0, text.size()));
    case 1:
        return in.ConsumeRandomLengthString(64);
    default: {
        auto parsed = parse_json(text);
        if (!parsed) return text;
        mutate_json(*parsed, in);
        if (in.ConsumeBool()) mutate_json(*parsed, in);
        return dump_json(*parsed);
    }
    }
}

} // namespace paylinks::fuzzing
