#include "core/crypto/hex.hpp"
#include "core/crypto/keccak.hpp"
#include "core/eth/create2.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace paylinks;
using namespace paylinks::eth;

namespace {
Address address(const char* text) {
    const auto parsed = parse_address(text);
    REQUIRE(parsed.has_value());
    return *parsed;
}
crypto::Hash256 word(const char* text) {
    const auto parsed = crypto::hex_decode_fixed<32>(text);
    REQUIRE(parsed.has_value());
    return *parsed;
}
} // namespace

// EIP-1014 "Examples".
TEST_CASE("create2_address EIP-1014 examples", "[eth][create2]") {
    struct Example {
        const char* deployer;
        const char* salt;
        const char* init_code;
        const char* result;
    };
    const Example examples[] = {
        {"0x0000000000000000000000000000000000000000",
         "0x0000000000000000000000000000000000000000000000000000000000000000", "0x00",
         "0x4D1A2e2bB4F88F0250f26Ffff098B0b30B26BF38"},
        {"0xdeadbeef00000000000000000000000000000000",
         "0x0000000000000000000000000000000000000000000000000000000000000000", "0x00",
         "0xB928f69Bb1D91Cd65274e3c79d8986362984fDA3"},
        {"0xdeadbeef00000000000000000000000000000000",
         "0x000000000000000000000000feed000000000000000000000000000000000000", "0x00",
         "0xD04116cDd17beBE565EB2422F2497E06cC1C9833"},
        {"0x0000000000000000000000000000000000000000",
         "0x0000000000000000000000000000000000000000000000000000000000000000", "0xdeadbeef",
         "0x70f2b2914A2a4b783FaEFb75f459A580616Fcb5e"},
        {"0x00000000000000000000000000000000deadbeef",
         "0x00000000000000000000000000000000000000000000000000000000cafebabe", "0xdeadbeef",
         "0x60f3f640a8508fC6a86d45DF051962668E1e8AC7"},
        {"0x00000000000000000000000000000000deadbeef",
         "0x00000000000000000000000000000000000000000000000000000000cafebabe",
         "0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdea"
         "dbeef",
         "0x1d8bfDC5D46DC4f61D6b6115972536eBE6A8854C"},
        {"0x0000000000000000000000000000000000000000",
         "0x0000000000000000000000000000000000000000000000000000000000000000", "0x",
         "0xE33C0C7F7df4809055C3ebA6c09CFe4BaF1BD9e0"},
    };
    for (const auto& e : examples) {
        INFO(e.result);
        const auto init_code = crypto::hex_decode_prefixed(e.init_code);
        REQUIRE(init_code.has_value());
        const Address result =
            create2_address(address(e.deployer), word(e.salt), crypto::keccak256(*init_code));
        CHECK(to_checksum_address(result) == e.result);
    }
}

// EIP-1167: the creation code for implementation 0xbebe…be given in the EIP.
TEST_CASE("minimal_proxy_init_code EIP-1167", "[eth][create2]") {
    const auto code =
        minimal_proxy_init_code(address("0xbebebebebebebebebebebebebebebebebebebebe"));
    static_assert(std::tuple_size_v<decltype(code)> == 55);
    CHECK(crypto::hex_encode(code) ==
          "3d602d80600a3d3981f3363d3d373d3d3d363d73bebebebebebebebebebebebebebebebebebebebe5af43d8"
          "2803e903d91602b57fd5bf3");
    // The runtime part the constructor returns: bytes 10.. are the 45-byte EIP-1167 runtime.
    CHECK(crypto::hex_encode(std::span(code).subspan(10)) ==
          "363d3d373d3d3d363d73bebebebebebebebebebebebebebebebebebebebe5af43d82803e903d91602b57fd5b"
          "f3");
    CHECK(crypto::hex_encode(crypto::keccak256(code)) ==
          "60a146579875aca032c9566ded6fc12bea362d66b7f2aa0f440db7bd8a90a4fe");
}

TEST_CASE("minimal_proxy_init_code is usable at compile time", "[eth][create2]") {
    constexpr Address implementation{{0x11, 0x22}};
    constexpr auto code = minimal_proxy_init_code(implementation);
    static_assert(code[0] == 0x3d && code[19] == 0x73 && code[20] == 0x11 && code[21] == 0x22);
    static_assert(code[40] == 0x5a && code[54] == 0xf3);
    CHECK(code.size() == kMinimalProxyInitCodeSize);
}

// Cross-checked with viem's getContractAddress({opcode: 'CREATE2', from: factory,
// salt: keccak256(toBytes(sessionId)), bytecode: <EIP-1167 init code>}).
TEST_CASE("deposit_address_for and DepositAddressDeriver", "[eth][create2]") {
    const Address factory = address("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    const Address implementation = address("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
    struct Vector {
        const char* session_id;
        const char* deposit;
    };
    const Vector vectors[] = {
        {"cs_01HZX3Q4B5C6D7E8F9G0H1J2K3", "0x9f38C4e8322ce4a298344f0A90379B9774751682"},
        {"cs_test", "0x488a1D5d9c5d131fA45282A4F19AD35Fd7aB41D7"},
        {"", "0x7334B70084bA039A106f58FB779FC17A927DD78B"},
    };
    const DepositAddressDeriver deriver(factory, implementation);
    CHECK(deriver.factory() == factory);
    CHECK(crypto::hex_encode(deriver.init_code_hash()) ==
          "cb1c0ba9336266fc551836fb3132d700b68d84458ea2bc9cc4b6e365d411e7c8");
    for (const auto& v : vectors) {
        INFO(v.session_id);
        CHECK(to_checksum_address(deposit_address_for(factory, implementation, v.session_id)) ==
              v.deposit);
        CHECK(to_checksum_address(deriver.derive(v.session_id)) == v.deposit);
    }
    // Distinct sessions, distinct addresses; the same session, the same address.
    CHECK(deriver.derive("cs_a") != deriver.derive("cs_b"));
    CHECK(deriver.derive("cs_a") == deriver.derive("cs_a"));
    // The implementation is part of the address.
    const DepositAddressDeriver other(factory, factory);
    CHECK(other.derive("cs_a") != deriver.derive("cs_a"));
}
