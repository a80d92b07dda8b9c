// The core is built without C++ exceptions (wasm32-wasi has no exception runtime), so the
// few library paths that would throw end the program instead. Nothing in the core relies on
// them: inputs are validated before they reach Boost.
#include <boost/assert/source_location.hpp>
#include <cstdlib>
#include <exception>

namespace boost {
[[noreturn]] void throw_exception(std::exception const&) {
    std::abort();
}
[[noreturn]] void throw_exception(std::exception const&, boost::source_location const&) {
    std::abort();
}
} // namespace boost
