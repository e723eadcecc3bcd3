# One INTERFACE target carries the language level, warnings and strict Qt defines,
# so that every library, executable and test compiles the same way.
add_library(sak_common INTERFACE)
# Includes are written from the project root ("agent/store/store.h"): one spelling per header.
target_include_directories(sak_common INTERFACE ${CMAKE_CURRENT_LIST_DIR}/..)
target_compile_features(sak_common INTERFACE cxx_std_20)
target_compile_definitions(sak_common INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_FOREACH
    QT_NO_KEYWORDS
    QT_USE_QSTRINGBUILDER
    QT_STRICT_ITERATORS
    QT_DISABLE_DEPRECATED_UP_TO=0x060400
    SAK_VERSION="${PROJECT_VERSION}")
if(MSVC)
    target_compile_options(sak_common INTERFACE /W4 /permissive- /utf-8)
else()
    target_compile_options(sak_common INTERFACE -Wall -Wextra -Wpedantic -Wshadow
        -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
        -Wformat=2 -Wimplicit-fallthrough)
endif()
