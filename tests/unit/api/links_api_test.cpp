#include "support/driver.hpp"

#include <catch2/catch.hpp>
#include <set>

using paylinks::Json;
using paylinks::testing::Driver;

namespace {

// Links in EUR and JPY need a rate source for those currencies (they are refused otherwise).
Json priced_env() {
    auto env = Driver::default_env();
    env["RATES"] = R"({"EUR":"1.08","JPY":"0.0067"})";
    return env;
}

Json create(Driver& driver, Json body = Json{{"title", "Tee"}, {"fiatAmount", "150"}}) {
    auto answer = driver.api("POST", "/api/v1/payment_links", body);
    REQUIRE(answer.status == 201);
    return answer.json;
}

} // namespace

TEST_CASE("a payment link is created, read, listed, updated and deleted", "[api][links]") {
    Driver driver(priced_env());
    auto link =
        create(driver, Json{{"title", "Tee"}, {"fiatAmount", "150.5"}, {"fiatCurrency", "eur"}});
    CHECK(link["object"] == "payment_link");
    CHECK(link["fiatAmount"] == "150.50");
    CHECK(link["fiatCurrency"] == "EUR");
    CHECK(link["checkoutUrl"] == "https://pay.example/l/" + link["slug"].get<std::string>());
    CHECK(link["livemode"] == false);
    CHECK(link["createdAt"] == "2026-11-18T11:06:40.000Z");

    auto id = link["id"].get<std::string>();
    auto read = driver.api("GET", "/api/v1/payment_links/" + id);
    CHECK(read.status == 200);
    CHECK(read.json == link);

    auto list = driver.api("GET", "/api/v1/payment_links");
    REQUIRE(list.status == 200);
    REQUIRE(list.json["data"].size() == 1);
    CHECK(list.json["data"][0]["id"] == id);

    driver.now_ms += 5000;
    auto updated = driver.api("PATCH", "/api/v1/payment_links/" + id, Json{{"active", false}});
    CHECK(updated.status == 200);
    CHECK(updated.json["active"] == false);
    CHECK(updated.json["updatedAt"] == "2026-11-18T11:06:45.000Z");

    CHECK(driver.api("DELETE", "/api/v1/payment_links/" + id).json["deleted"] == true);
    CHECK(driver.api("GET", "/api/v1/payment_links/" + id).status == 404);
}

TEST_CASE("lists page newest first without gaps in both directions", "[api][links]") {
    Driver driver(priced_env());
    std::vector<std::string> ids; // oldest first
    for (int i = 0; i < 25; ++i) {
        driver.now_ms += 1;
        ids.push_back(create(driver)["id"].get<std::string>());
    }
    std::vector<std::string> seen;
    std::string after;
    for (int pages = 0; pages < 10; ++pages) {
        auto page = driver.api("GET", "/api/v1/payment_links?limit=7" +
                                          (after.empty() ? "" : "&starting_after=" + after));
        REQUIRE(page.status == 200);
        for (const auto& item : page.json["data"])
            seen.push_back(item["id"].get<std::string>());
        if (!page.json["has_more"].get<bool>()) break;
        after = seen.back();
    }
    REQUIRE(seen.size() == ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i)
        CHECK(seen[i] == ids[ids.size() - 1 - i]);

    auto back = driver.api("GET", "/api/v1/payment_links?limit=3&ending_before=" + ids[10]);
    REQUIRE(back.json["data"].size() == 3);
    CHECK(back.json["data"][0]["id"] == ids[13]);
    CHECK(back.json["data"][2]["id"] == ids[11]);
    CHECK(back.json["has_more"] == true);
}

TEST_CASE("bad link input is refused with the documented code and param", "[api][links]") {
    struct Row {
        Json body;
        int status;
        const char* code;
        const char* param;
    };
    const std::vector<Row> rows = {
        {Json{{"title", "T"}, {"fiatAmount", 5}}, 400, "amount_invalid", "fiatAmount"},
        {Json{{"title", "T"}, {"fiatAmount", "0"}}, 400, "amount_invalid", "fiatAmount"},
        {Json{{"title", "T"}, {"fiatAmount", "0.001"}}, 400, "amount_invalid", "fiatAmount"},
        {Json{{"title", "T"}, {"fiatAmount", "100000000.01"}}, 400, "amount_invalid", "fiatAmount"},
        {Json{{"title", "T"}, {"fiatAmount", "-1"}}, 400, "amount_invalid", "fiatAmount"},
        {Json{{"title", "T"}, {"fiatAmount", "1e3"}}, 400, "amount_invalid", "fiatAmount"},
        {Json{{"title", "T"}, {"fiatAmount", "1.5"}, {"fiatCurrency", "JPY"}}, 400,
         "amount_invalid", "fiatAmount"},
        {Json{{"title", "T"}, {"fiatAmount", "1"}, {"fiatCurrency", "XYZ"}}, 400,
         "currency_invalid", "fiatCurrency"},
        {Json{{"title", ""}, {"fiatAmount", "1"}}, 400, "title_invalid", "title"},
        {Json{{"title", "a\x01"}, {"fiatAmount", "1"}}, 400, "title_invalid", "title"},
        {Json{{"fiatAmount", "1"}}, 400, "parameter_missing", "title"},
        {Json{{"title", "T"}, {"fiatAmount", "1"}, {"colour", "red"}}, 400, "parameter_unknown",
         "colour"},
        {Json{{"title", "T"}, {"fiatAmount", "1"}, {"successUrl", "javascript:alert(1)"}}, 400,
         "url_invalid", "successUrl"},
        {Json{{"title", "T"}, {"fiatAmount", "1"}, {"cancelUrl", "https://u:p@shop.example/"}}, 400,
         "url_invalid", "cancelUrl"},
        {Json{{"title", "T"}, {"fiatAmount", "1"}, {"slug", "AB"}}, 400, "slug_invalid", "slug"},
        {Json{{"title", "T"}, {"fiatAmount", "1"}, {"expiresAt", "yesterday"}}, 400,
         "expires_at_invalid", "expiresAt"},
    };
    Driver driver(priced_env());
    for (const auto& row : rows) {
        INFO(paylinks::dump_json(row.body));
        auto answer = driver.api("POST", "/api/v1/payment_links", row.body);
        CHECK(answer.status == row.status);
        CHECK(answer.error_code() == row.code);
        CHECK(answer.error_param() == row.param);
    }
    CHECK(driver.kv.empty());
}

TEST_CASE("idempotent creates replay and refuse a changed body", "[api][links]") {
    Driver driver(priced_env());
    Json headers{{"authorization", "Bearer sk_test_local"},
                 {"content-type", "application/json"},
                 {"idempotency-key", "order-7"}};
    auto first = driver.request("POST", "/api/v1/payment_links",
                                R"({"title":"A","fiatAmount":"1"})", headers);
    auto again = driver.request("POST", "/api/v1/payment_links",
                                R"({"title":"A","fiatAmount":"1"})", headers);
    REQUIRE(first.status == 201);
    CHECK(again.status == 201);
    CHECK(again.body == first.body);
    auto other = driver.request("POST", "/api/v1/payment_links",
                                R"({"title":"B","fiatAmount":"1"})", headers);
    CHECK(other.status == 409);
    CHECK(other.error_code() == "idempotency_key_reused");
}

TEST_CASE("authentication is required and checked", "[api][auth]") {
    Driver driver(priced_env());
    CHECK(driver.api("GET", "/api/v1/payment_links", nullptr, "").error_code() ==
          "api_key_missing");
    CHECK(driver.api("GET", "/api/v1/payment_links", nullptr, "sk_test_nope").error_code() ==
          "api_key_invalid");
    CHECK(driver.api("GET", "/api/v1/payment_links", nullptr, "sk_test_nope").status == 401);

    struct Row {
        const char* authorization;
        const char* code;
    };
    for (auto [authorization, code] :
         {Row{"", "api_key_missing"}, Row{"  ", "api_key_missing"},
          Row{"Bearer", "api_key_invalid"}, Row{"Basic c2tfdGVzdF9sb2NhbDo=", "api_key_invalid"},
          Row{"Bearer sk_live_local", "api_key_invalid"}}) {
        INFO(authorization);
        auto answer = driver.request("GET", "/api/v1/payment_links", "",
                                     Json{{"authorization", authorization}});
        CHECK(answer.status == 401);
        CHECK(answer.error_code() == code);
    }
}

namespace {

/// A link create whose body crosses as the shim would pass it (see Driver::request_as_passed).
paylinks::testing::HttpAnswer post_as_passed(Driver& driver, Json body, std::size_t size,
                                             Json extra_headers = Json::object()) {
    Json headers{{"authorization", "Bearer sk_test_local"}, {"content-type", "application/json"}};
    for (const auto& [name, value] : extra_headers.items())
        headers[name] = value;
    return driver.request_as_passed("POST", "/api/v1/payment_links", std::move(body), size,
                                    std::move(headers));
}

} // namespace

TEST_CASE("a body the shim found not to be UTF-8 is refused as invalid JSON", "[api][links]") {
    // The shim passes such a body as null, with its size (see http::Request::body_is_utf8).
    Driver driver(priced_env());
    auto json = post_as_passed(driver, nullptr, 40);
    CHECK(json.status == 400);
    CHECK(json.error_code() == "json_invalid");
    auto text = post_as_passed(driver, nullptr, 40, Json{{"content-type", "text/plain"}});
    CHECK(text.status == 415);
    CHECK(text.error_code() == "content_type_unsupported");
    CHECK(driver.kv.empty());
}

TEST_CASE("a body refused unread leaves its Idempotency-Key free", "[api][links][idempotency]") {
    // Only a body that was read counts towards the key's fingerprint: one that did not
    // cross whole (not UTF-8, or over the limit) is refused before anything is remembered.
    Driver driver(priced_env());
    struct Row {
        const char* key;
        Json body; ///< null: not UTF-8
        std::size_t size;
        int status;
    };
    for (const auto& row : {Row{"not-utf8", nullptr, 40, 400}, Row{"too-big", "", 70'000, 413}}) {
        INFO(row.key);
        const Json key{{"idempotency-key", row.key}};
        for (int attempt = 0; attempt < 2; ++attempt) {
            auto refused = post_as_passed(driver, row.body, row.size, key);
            CHECK(refused.status == row.status);
            CHECK_FALSE(refused.headers.contains("idempotent-replayed"));
        }
        const std::string valid = R"({"title":"Tee","fiatAmount":"150"})";
        auto created = post_as_passed(driver, valid, valid.size(), key);
        CHECK(created.status == 201);
    }
}

TEST_CASE("malformed ids in paths are unknown links, not unknown routes", "[api][links]") {
    Driver driver(priced_env());
    for (const char* id :
         {"pl_xyz", "pl_%ZZ", "%FF%FE", "pl_%00", "pl_01M80W4SDBZTZ98K6GWQJXC7HU"}) {
        INFO(id);
        for (const char* method : {"GET", "PATCH", "DELETE"}) {
            auto answer = driver.api(method, std::string("/api/v1/payment_links/") + id,
                                     std::string_view(method) == "PATCH" ? Json{{"title", "x"}}
                                                                         : Json(nullptr));
            CHECK(answer.status == 404);
            CHECK(answer.error_code() == "resource_missing");
            CHECK(answer.error_param() == "id");
        }
    }
}

TEST_CASE("the core names the request headers it reads, and reads no others", "[api][headers]") {
    Driver driver(priced_env());
    auto configured = paylinks::parse_json(driver.configure_answer);
    REQUIRE(configured);
    CHECK((*configured)["ok"].get<bool>());
    const auto& names = (*configured)["requestHeaders"];
    REQUIRE(names.is_array());
    std::set<std::string> listed;
    for (const auto& name : names.elements())
        listed.insert(name.get<std::string>());
    CHECK(listed ==
          std::set<std::string>{"authorization", "content-type", "idempotency-key", "user-agent",
                                "cookie", "sec-fetch-dest", "cf-connecting-ip", "if-none-match"});

    // Names match in any case; a header outside the list changes nothing.
    auto created =
        driver.request("POST", "/api/v1/payment_links", R"({"title":"Cased","fiatAmount":"5"})",
                       Json{{"AUTHORIZATION", "Bearer sk_test_local"},
                            {"Content-Type", "application/json"},
                            {"X-Api-Key", "sk_test_other"}});
    CHECK(created.status == 201);
    // An API key in an unread header is no key at all.
    auto unread = driver.request("GET", "/api/v1/payment_links", "",
                                 Json{{"x-authorization", "Bearer sk_test_local"}});
    CHECK(unread.error_code() == "api_key_missing");
}

TEST_CASE("a random slug carries an id's 80 bits and costs no read; a custom one is checked",
          "[api][links]") {
    Driver driver(priced_env());
    auto reads = [&] {
        std::size_t n = 0;
        for (const auto& effect : driver.effect_log)
            n += effect["op"] == "kv.get";
        return n;
    };
    std::set<std::string> slugs;
    for (int i = 0; i < 20; ++i) {
        driver.effect_log.clear();
        auto link = create(driver);
        CHECK(reads() == 0);
        const auto slug = link["slug"].get<std::string>();
        CHECK(slug.size() == 16);
        CHECK(slug.find_first_not_of("0123456789abcdefghjkmnpqrstvwxyz") == std::string::npos);
        slugs.insert(slug);
        CHECK(driver.kv.at("slug/" + slug).value == link["id"].get<std::string>());
    }
    CHECK(slugs.size() == 20);

    driver.effect_log.clear();
    auto custom = create(driver, Json{{"title", "Tee"}, {"fiatAmount", "1"}, {"slug", "tee-shop"}});
    CHECK(custom["slug"] == "tee-shop");
    CHECK(reads() == 1);
    auto again = driver.api("POST", "/api/v1/payment_links",
                            Json{{"title", "Mug"}, {"fiatAmount", "1"}, {"slug", "tee-shop"}});
    CHECK(again.status == 409);
    CHECK(again.error_code() == "slug_taken");
    // A slug taken by a random one is refused too.
    auto random_taken =
        driver.api("POST", "/api/v1/payment_links",
                   Json{{"title", "Mug"}, {"fiatAmount", "1"}, {"slug", *slugs.begin()}});
    CHECK(random_taken.error_code() == "slug_taken");
}

TEST_CASE("a link read again is the same object, and a change or another origin shows at once",
          "[api][links]") {
    Driver driver(priced_env());
    auto link = create(driver);
    const auto path = "/api/v1/payment_links/" + link["id"].get<std::string>();
    const auto first = driver.api("GET", path);
    REQUIRE(first.status == 200);
    CHECK(driver.api("GET", path).body == first.body);

    // Another request origin: another checkout URL, not the one rendered for the first.
    driver.origin = "https://shop.example";
    auto elsewhere = driver.api("GET", path);
    CHECK(elsewhere.json["checkoutUrl"] ==
          "https://shop.example/l/" + link["slug"].get<std::string>());
    driver.origin = "https://pay.example";
    CHECK(driver.api("GET", path).body == first.body);

    // A change is read back at once, in this instance and in a fresh one alike.
    driver.now_ms += 1000;
    REQUIRE(driver.api("PATCH", path, Json{{"title", "Hoodie"}}).status == 200);
    auto updated = driver.api("GET", path);
    CHECK(updated.json["title"] == "Hoodie");
    CHECK(updated.json["updatedAt"].get<std::string>() !=
          first.json["updatedAt"].get<std::string>());
    Driver fresh;
    fresh.kv = driver.kv;
    CHECK(fresh.api("GET", path).body == updated.body);

    // Stored text the core cannot read is a storage error (seen by an instance that has not
    // read the link before).
    driver.kv["link/" + link["id"].get<std::string>()].value = "{\"v\":1}";
    Driver reader;
    reader.kv = driver.kv;
    auto unreadable = reader.api("GET", path);
    CHECK(unreadable.status == 503);
    CHECK(unreadable.error_code() == "storage_unavailable");
}
