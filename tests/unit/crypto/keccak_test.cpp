#include "core/crypto/hex.hpp"
#include "core/crypto/keccak.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace paylinks::crypto;

// Ethereum's Keccak-256 (pad byte 0x01). The lengths around the 136-byte rate exercise the
// block boundary: 135 bytes puts both padding bits in the same byte (0x81), 136 needs a whole
// padding block, 272 two full blocks plus a padding block.
TEST_CASE("keccak256 vectors", "[crypto][keccak]") {
    struct Vector {
        std::string input;
        const char* digest;
    };
    const Vector vectors[] = {
        {"", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"},
        {"abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"},
        {"The quick brown fox jumps over the lazy dog",
         "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"},
        {"Transfer(address,address,uint256)",
         "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"},
        {std::string(1, 'a'), "3ac225168df54212a25c1c01fd35bebfea408fdac2e31ddd6f80a4bbf9a5f1cb"},
        {std::string(55, 'a'), "bb17c0a497f956eb60406de77632af5a598833dac1d41a5f171943dc6aaa519a"},
        {std::string(56, 'a'), "86e098d28db0370fc43ce9ced16fa20fd031f0f85f2c200dfc615a46661c4647"},
        {std::string(135, 'a'), "34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446"},
        {std::string(136, 'a'), "a6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e"},
        {std::string(137, 'a'), "d869f639c7046b4929fc92a4d988a8b22c55fbadb802c0c66ebcd484f1915f39"},
        {std::string(200, 'a'), "96ea54061def936c4be90b518992fdc6f12f535068a256229aca54267b4d084d"},
        {std::string(271, 'a'), "132f47effd6c8b1b299efa53fe68aece77ec8ae4eb2e294f668eec94f76001e1"},
        {std::string(272, 'a'), "cf7fcd4f705ee749930d19ca84561a9bf62516bd90a471545fa2f49fdc7e63c8"},
        {std::string(273, 'a'), "5a7b8187d2778e614097fac3097573de1fee4d972304d3360796a857029bb176"},
    };
    for (const auto& v : vectors) {
        INFO("length " << v.input.size());
        CHECK(hex_encode(keccak256(v.input)) == v.digest);
        const std::vector<std::uint8_t> bytes(v.input.begin(), v.input.end());
        CHECK(hex_encode(keccak256(bytes)) == v.digest);
    }
}

TEST_CASE("keccak256 of every byte value 0..255", "[crypto][keccak]") {
    std::vector<std::uint8_t> bytes(256);
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<std::uint8_t>(i);
    CHECK(hex_encode(keccak256(bytes)) ==
          "dc924469b334aed2a19fac7252e9961aea41f8d91996366029dbe0884229bf36");
}

TEST_CASE("keccak256 is not SHA3-256", "[crypto][keccak]") {
    // FIPS 202 SHA3-256("") for contrast: the same permutation with domain padding 0x06.
    CHECK(hex_encode(keccak256(std::string_view{})) !=
          "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
}

TEST_CASE("keccak256 reads only the bytes of its span", "[crypto][keccak]") {
    const std::string padded = "xxabcxx";
    CHECK(keccak256(std::string_view(padded).substr(2, 3)) == keccak256("abc"));
}

TEST_CASE("keccak_f1600 on the zero state", "[crypto][keccak]") {
    // Keccak team's KeccakF-1600 intermediate values: first lane after one permutation of
    // the all-zero state.
    std::uint64_t state[25] = {};
    keccak_f1600(state);
    CHECK(state[0] == 0xF1258F7940E1DDE7ull);
    CHECK(state[24] == 0xEAF1FF7B5CECA249ull);
}
