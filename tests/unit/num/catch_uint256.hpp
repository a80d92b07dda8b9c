#pragma once
// Catch2 prints uint256 values in decimal (rather than through Boost's iostream operator).
// Include it in every test file that compares uint256 values.
#include "core/num/uint256.hpp"

#include <catch2/catch.hpp>

namespace Catch {
template<>
struct StringMaker<paylinks::num::uint256> {
    static std::string convert(const paylinks::num::uint256& value) {
        return paylinks::num::to_decimal(value);
    }
};
} // namespace Catch
