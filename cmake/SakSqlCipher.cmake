# SQLCipher, linked so that our sqlite3_* calls cannot bind to another SQLite in the process:
# QtWebEngine's NSS loads plain libsqlite3, and a call that lands there would write an
# unencrypted database while PRAGMA key still answers OK. The static library is linked into
# each executable and, with --exclude-libs, none of its symbols is exported for others to bind.
# Store::open() checks at run time as well (PRAGMA cipher_version, the file header).
find_path(SQLCIPHER_HEADER_DIR NAMES sqlcipher/sqlite3.h REQUIRED)
find_library(SQLCIPHER_STATIC_LIBRARY NAMES libsqlcipher.a)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
find_package(Threads REQUIRED)

add_library(sak_sqlcipher INTERFACE)
target_include_directories(sak_sqlcipher SYSTEM INTERFACE ${SQLCIPHER_HEADER_DIR}/sqlcipher)
target_compile_definitions(sak_sqlcipher INTERFACE SQLITE_HAS_CODEC)
if(SQLCIPHER_STATIC_LIBRARY)
    target_link_libraries(sak_sqlcipher INTERFACE ${SQLCIPHER_STATIC_LIBRARY} OpenSSL::Crypto Threads::Threads ${CMAKE_DL_LIBS})
    if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
        target_link_options(sak_sqlcipher INTERFACE "LINKER:--exclude-libs,libsqlcipher.a")
    endif()
else()
    # Platforms without the static library (e.g. a Windows build with a DLL): the run-time
    # checks in Store::open() are then the only guard.
    find_library(SQLCIPHER_LIBRARY NAMES sqlcipher REQUIRED)
    message(WARNING "Static SQLCipher not found; linking ${SQLCIPHER_LIBRARY}")
    target_link_libraries(sak_sqlcipher INTERFACE ${SQLCIPHER_LIBRARY})
endif()
