// Any bytes to the JSON reader the core uses for every exchange, KV document and RPC answer.
// What it accepts must serialise to text it accepts again as an equal value, and that text
// must be stable (serialising twice gives the same bytes); serialising never produces
// invalid UTF-8, even for strings the core built from raw bytes. And an independent parser,
// nlohmann::json, must agree on the same bytes: the same accept or refuse, the same values,
// each reading the other's serialisation back (fuzz/json_agreement.hpp, with the differences
// that are meant).
#include "core/util/json.hpp"
#include "fuzz/fuzz_support.hpp"
#include "fuzz/json_agreement.hpp"

#include <string>

using namespace paylinks;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 65536) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto verdict = json_agreement::compare(text);
    FUZZ_CHECK(verdict.disagreement.empty(), verdict.disagreement.substr(0, 600) +
                                                 "\n  input: " + std::string(text.substr(0, 600)));
    if (const auto value = parse_json(text)) {
        const std::string dumped = dump_json(*value);
        const auto again = parse_json(dumped);
        FUZZ_CHECK(again.has_value(), dumped.substr(0, 600));
        FUZZ_CHECK(*again == *value, dumped.substr(0, 600));
        FUZZ_CHECK(dump_json(*again) == dumped, dumped.substr(0, 600));
    }
    // The same bytes as a string value: dumped as a valid JSON string literal.
    const std::string literal = dump_json(Json(std::string(text)));
    const auto read = parse_json(literal);
    FUZZ_CHECK(read.has_value() && read->is_string(), literal.substr(0, 600));
    FUZZ_CHECK(read->get_ref<const std::string&>().size() >= size, literal.substr(0, 600));
    return 0;
}
