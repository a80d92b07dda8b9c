#include "core/eth/create2.hpp"

#include "core/crypto/keccak.hpp"

#include <cstring>

namespace paylinks::eth {

namespace {

constexpr std::size_t kDeployerAt = 1;
constexpr std::size_t kSaltAt = kDeployerAt + 20;
constexpr std::size_t kCodeHashAt = kSaltAt + 32;
constexpr std::size_t kPreimageSize = kCodeHashAt + 32;
static_assert(kPreimageSize == 85 && kPreimageSize < crypto::kKeccak256Rate,
              "one CREATE2 address is one Keccak-f permutation");

Address address_of_preimage(const std::array<std::uint8_t, kPreimageSize>& preimage) noexcept {
    const crypto::Hash256 hash = crypto::keccak256(preimage);
    Address out;
    std::memcpy(out.bytes.data(), hash.data() + 12, out.bytes.size());
    return out;
}

} // namespace

Address create2_address(const Address& deployer, const crypto::Hash256& salt,
                        const crypto::Hash256& init_code_hash) noexcept {
    std::array<std::uint8_t, kPreimageSize> preimage;
    preimage[0] = 0xff;
    std::memcpy(preimage.data() + kDeployerAt, deployer.bytes.data(), 20);
    std::memcpy(preimage.data() + kSaltAt, salt.data(), 32);
    std::memcpy(preimage.data() + kCodeHashAt, init_code_hash.data(), 32);
    return address_of_preimage(preimage);
}

Address deposit_address_for(const Address& factory, const Address& implementation,
                            std::string_view session_id) noexcept {
    return create2_address(factory, crypto::keccak256(session_id),
                           crypto::keccak256(minimal_proxy_init_code(implementation)));
}

DepositAddressDeriver::DepositAddressDeriver(const Address& factory,
                                             const Address& implementation) noexcept
    : init_code_hash_(crypto::keccak256(minimal_proxy_init_code(implementation))) {
    preimage_[0] = 0xff;
    std::memcpy(preimage_.data() + kDeployerAt, factory.bytes.data(), 20);
    std::memcpy(preimage_.data() + kCodeHashAt, init_code_hash_.data(), 32);
}

Address DepositAddressDeriver::derive(std::string_view session_id) const noexcept {
    std::array<std::uint8_t, kPreimageSize> preimage = preimage_;
    const crypto::Hash256 salt = crypto::keccak256(session_id);
    std::memcpy(preimage.data() + kSaltAt, salt.data(), 32);
    return address_of_preimage(preimage);
}

Address DepositAddressDeriver::factory() const noexcept {
    Address out;
    std::memcpy(out.bytes.data(), preimage_.data() + kDeployerAt, 20);
    return out;
}

const crypto::Hash256& DepositAddressDeriver::init_code_hash() const noexcept {
    return init_code_hash_;
}

} // namespace paylinks::eth
