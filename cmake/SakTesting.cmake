# sak_add_test(<name> SOURCES <files...> LIBS <targets...> LABELS <unit|integration|gui>
#              [WRAPPER <script>])
# One executable per unit, registered with CTest under its label. Every test gets the shared
# compile settings and the test support library (with the generated test certificates);
# WebEngine tests run offscreen.
function(sak_add_test name)
    cmake_parse_arguments(ARG "" "WRAPPER" "SOURCES;LIBS;LABELS" ${ARGN})
    qt_add_executable(${name} ${ARG_SOURCES})
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
    target_link_libraries(${name} PRIVATE sak_testsupport Qt6::Test ${ARG_LIBS})
    add_dependencies(${name} sak_test_certs)
    # A wrapper sets up what the test needs around it (e.g. a private keyring session).
    add_test(NAME ${name} COMMAND ${ARG_WRAPPER} $<TARGET_FILE:${name}>)
    set_tests_properties(${name} PROPERTIES
        LABELS "${ARG_LABELS}"
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;QT_LOGGING_RULES=sak.*.info=false;SAK_BIN_DIR=${CMAKE_BINARY_DIR}/bin")
endfunction()
