// GET /api/v1/openapi.json: the embedded document, open to anyone, revalidated by its ETag.
#include "core/api/openapi_document.hpp"
#include "support/driver.hpp"

#include <catch2/catch.hpp>

using paylinks::Json;
using paylinks::testing::Driver;

TEST_CASE("the OpenAPI document is served without a key, with a strong ETag and 304 for it",
          "[api][openapi]") {
    Driver driver;
    auto answer = driver.request("GET", "/api/v1/openapi.json");
    REQUIRE(answer.status == 200);
    CHECK(answer.body == paylinks::api::openapi_document_json());
    REQUIRE(answer.json.is_object());
    CHECK(answer.json["openapi"].get<std::string>().rfind("3.1", 0) == 0);
    CHECK(answer.json["paths"].contains("/api/v1/openapi.json"));
    CHECK(answer.headers["content-type"].get<std::string>().rfind("application/json", 0) == 0);
    const std::string etag = answer.headers["etag"].get<std::string>();
    CHECK(etag == paylinks::api::openapi_document_etag());
    CHECK(etag.size() == 66); // a quoted SHA-256 in hex

    // A wrong key changes nothing on an open route.
    CHECK(driver.request("GET", "/api/v1/openapi.json", "",
                         Json{{"authorization", "Bearer sk_test_wrong"}})
              .status == 200);

    for (const std::string& held : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
        CAPTURE(held);
        auto revalidated =
            driver.request("GET", "/api/v1/openapi.json", "", Json{{"if-none-match", held}});
        CHECK(revalidated.status == 304);
        CHECK(revalidated.body.empty());
        CHECK(revalidated.headers["etag"] == etag);
    }
    CHECK(driver.request("GET", "/api/v1/openapi.json", "", Json{{"if-none-match", "\"stale\""}})
              .status == 200);
    auto head = driver.request("HEAD", "/api/v1/openapi.json");
    CHECK(head.status == 200);
    CHECK(head.body.empty());
}
