#include "core/crypto/hex.hpp"
#include "core/crypto/sha256.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace paylinks::crypto;

// FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf").
TEST_CASE("sha256 vectors", "[crypto][sha256]") {
    struct Vector {
        std::string input;
        const char* digest;
    };
    const Vector vectors[] = {
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopq"
         "rlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
        {std::string(1000000, 'a'),
         "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    };
    for (const auto& v : vectors) {
        INFO("length " << v.input.size());
        CHECK(hex_encode(sha256(v.input)) == v.digest);
    }
}

TEST_CASE("Sha256 gives the same digest however the input is split", "[crypto][sha256]") {
    const std::string message(1000, 'q');
    const Hash256 whole = sha256(message);
    for (const std::size_t step : {1u, 3u, 55u, 56u, 63u, 64u, 65u, 127u, 999u}) {
        INFO("step " << step);
        Sha256 hasher;
        for (std::size_t at = 0; at < message.size(); at += step)
            hasher.update(std::string_view(message).substr(at, step));
        hasher.update(std::string_view{});
        CHECK(hasher.finish() == whole);
    }
}

TEST_CASE("sha256 one million 'a' fed in 1000-byte pieces", "[crypto][sha256]") {
    const std::string piece(1000, 'a');
    Sha256 hasher;
    for (int i = 0; i < 1000; ++i)
        hasher.update(piece);
    CHECK(hex_encode(hasher.finish()) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
