// Catch2's runner. The tests are built without exceptions on every target so that the
// wasm builds test exactly the code the worker ships.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
