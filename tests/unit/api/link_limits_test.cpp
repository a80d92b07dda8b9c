// maxPayments and metadata on links: the field rules (api/validate.hpp), the stored form, and
// when a save records a sale (links/link_sales.hpp).
#include "core/api/validate.hpp"
#include "core/links/link.hpp"
#include "core/links/link_sales.hpp"
#include "core/sessions/session.hpp"

#include <catch2/catch.hpp>

using paylinks::Json;
using paylinks::parse_json;
using paylinks::http::ErrorCode;
using paylinks::sessions::Session;
using paylinks::sessions::Status;
namespace api = paylinks::api;
namespace links = paylinks::links;

namespace {

Json json(std::string_view text) {
    auto parsed = parse_json(text);
    REQUIRE(parsed);
    return *parsed;
}

Json keys(std::size_t count, std::size_t value_length = 1) {
    Json object = Json::object();
    for (std::size_t i = 0; i < count; ++i)
        object["k" + std::to_string(i)] = std::string(value_length, 'v');
    return object;
}

} // namespace

TEST_CASE("maxPayments is an integer from 1 to 1000, or null", "[api][validate][links]") {
    for (const auto* ok : {"1", "2", "1000", "null"})
        CHECK_FALSE(api::check_max_payments(json(ok)));
    for (const auto* bad : {"0", "-1", "1001", "1.5", "1e3", "\"2\"", "true", "[]", "{}",
                            "18446744073709551616", "9223372036854775808"}) {
        CAPTURE(bad);
        auto error = api::check_max_payments(json(bad));
        REQUIRE(error);
        CHECK(error->code == ErrorCode::parameter_invalid);
        CHECK(error->param == "maxPayments");
    }
}

TEST_CASE("metadata follows the session rules, for links and sessions alike",
          "[api][validate][links]") {
    CHECK_FALSE(api::check_metadata(Json::object()));
    CHECK_FALSE(api::check_metadata(keys(50, 500)));
    CHECK_FALSE(api::check_metadata(json(R"({"sku":"TEE-M","ünï":"ö"})")));
    const std::string long_key(41, 'k');
    for (const auto& bad :
         {keys(51), keys(1, 501), json("null"), json("[]"), json(R"({"":"x"})"), json(R"({"n":1})"),
          json(R"({"a\u0001":"x"})"), json("{\"" + long_key + "\":\"x\"}")}) {
        CAPTURE(dump_json(bad).substr(0, 60));
        auto error = api::check_metadata(bad);
        REQUIRE(error);
        CHECK(error->code == ErrorCode::metadata_invalid);
        CHECK(error->param == "metadata");
    }
    // 40 characters of any script are 40, not their bytes.
    Json wide = Json::object();
    std::string forty;
    for (int i = 0; i < 40; ++i)
        forty += "é";
    wide[forty] = "x";
    CHECK_FALSE(api::check_metadata(wide));
}

TEST_CASE("a link's maxPayments and metadata survive storage; old records read without them",
          "[links][storage]") {
    links::Link link;
    link.id = "pl_01JD00000000000000000000AA";
    link.slug = "winter-drop";
    link.title = "Winter drop";
    link.fiat_amount = 2500;
    link.fiat_currency = "USD";
    link.max_payments = 2;
    link.metadata = json(R"({"sku":"TEE-M"})");
    auto read = links::from_storage(links::to_storage(link));
    REQUIRE(read);
    CHECK(read->max_payments == 2);
    CHECK(read->metadata == link.metadata);

    auto api_object = json(links::to_api_text(link, "https://pay.example", 1));
    CHECK(api_object["maxPayments"] == 2);
    CHECK(api_object["completedSessions"] == 1);
    CHECK(api_object["metadata"] == link.metadata);
    // Without a limit nothing is counted, whatever the caller passes.
    link.max_payments.reset();
    api_object = json(links::to_api_text(link, "https://pay.example", 5));
    CHECK(api_object["maxPayments"].is_null());
    CHECK(api_object["completedSessions"].is_null());

    auto old = json(links::to_storage(link));
    old.erase("maxPayments");
    old.erase("metadata");
    auto legacy = links::from_storage(dump_json(old));
    REQUIRE(legacy);
    CHECK_FALSE(legacy->max_payments);
    CHECK(legacy->metadata == Json::object());

    auto corrupt = json(links::to_storage(link));
    corrupt["maxPayments"] = 0;
    CHECK_FALSE(links::from_storage(dump_json(corrupt)));
    corrupt["maxPayments"] = nullptr;
    corrupt["metadata"] = "x";
    CHECK_FALSE(links::from_storage(dump_json(corrupt)));
}

TEST_CASE("a sale is recorded once, by the save that first fulfils a link's session",
          "[links][sales]") {
    Session session;
    session.id = "cs_01JD00000000000000000000BB";
    session.link_id = "pl_01JD00000000000000000000AA";
    for (auto fulfilled : {Status::paid, Status::overpaid, Status::paid_late}) {
        session.status = fulfilled;
        for (auto before : {Status::open, Status::detected, Status::underpaid, Status::expired})
            CHECK(links::records_sale(session, before));
        // Already fulfilled (a confirmation update, paid → overpaid) or paid again after a
        // reorg: it was counted then.
        for (auto before : {Status::paid, Status::overpaid, Status::paid_late, Status::reorged})
            CHECK_FALSE(links::records_sale(session, before));
        CHECK_FALSE(links::records_sale(session, std::nullopt));
    }
    for (auto unfulfilled :
         {Status::open, Status::detected, Status::underpaid, Status::expired, Status::reorged}) {
        session.status = unfulfilled;
        CHECK_FALSE(links::records_sale(session, Status::open));
    }
    session.status = Status::paid;
    auto write = links::sale_write(session);
    CHECK(write["op"] == "kv.put");
    CHECK(write["key"] == "sold/pl_01JD00000000000000000000AA/cs_01JD00000000000000000000BB");
    CHECK(links::is_sale_write(write));
    CHECK_FALSE(links::is_sale_write(paylinks::engine::kv_put("cs/x", "")));
    CHECK(links::sales_prefix(*session.link_id) == "sold/pl_01JD00000000000000000000AA/");
    // An ad-hoc session belongs to no link and sells nothing.
    session.link_id.reset();
    CHECK_FALSE(links::records_sale(session, Status::open));
}
