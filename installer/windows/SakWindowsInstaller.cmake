# Windows: one NSIS installer for the shop (the agent only; the cloud stub stays a developer
# tool). Included by cmake/SakPackaging.cmake; the build steps are in docs/windows.md.
# Not built on the project's Debian machines: see docs/windows.md for what was and was not tried.

# Qt's own files, QtWebEngine's helper process and resources included, next to sak-agent.exe.
find_program(SAK_WINDEPLOYQT windeployqt HINTS "${QT6_INSTALL_PREFIX}/${QT6_INSTALL_BINS}" REQUIRED)
install(CODE "
    execute_process(
        COMMAND \"${SAK_WINDEPLOYQT}\" --release --no-compiler-runtime --no-system-d3d-compiler
            --dir \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\"
            \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/sak-agent.exe\"
        COMMAND_ERROR_IS_FATAL ANY)
    " COMPONENT agent)
# The libraries that are not Qt's (QtKeychain, SQLCipher, OpenSSL, libqrencode from vcpkg);
# SAK_EXTRA_DLL_DIRS names where they are (vcpkg's installed/<triplet>/bin).
install(RUNTIME_DEPENDENCY_SET sak_runtime_dependencies
    PRE_EXCLUDE_REGEXES "api-ms-.*" "ext-ms-.*" "Qt6.*"
    POST_EXCLUDE_REGEXES ".*[Ss]ystem32/.*"
    DIRECTORIES $<TARGET_FILE_DIR:Qt6::Core> ${SAK_EXTRA_DLL_DIRS}
    DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT agent)
# The Visual C++ runtime.
set(CMAKE_INSTALL_SYSTEM_RUNTIME_COMPONENT agent)
include(InstallRequiredSystemLibraries)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION doc COMPONENT agent)
# wa-js (Apache-2.0) is compiled into sak-agent.exe: its licence goes with it.
install(FILES ${SAK_WAJS_LICENSE} DESTINATION doc RENAME wa-js-LICENSE.txt COMPONENT agent)

set(CPACK_GENERATOR NSIS)
set(CPACK_COMPONENTS_ALL agent)
set(CPACK_MONOLITHIC_INSTALL ON)
set(CPACK_PACKAGE_INSTALL_DIRECTORY "SAK Desktop Agent")
set(CPACK_NSIS_DISPLAY_NAME "SAK Desktop Agent")
set(CPACK_NSIS_PACKAGE_NAME "SAK Desktop Agent ${PROJECT_VERSION}")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\sak-agent.exe")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
# A Start-menu entry.
set(CPACK_PACKAGE_EXECUTABLES "sak-agent;SAK Desktop Agent")
# Start on login: the same per-user Run value that Settings > "Start SAK when I log in"
# switches (agent/autostart.cpp), for the user who runs the installer; removed on uninstall.
# The agent is stopped first, so that its files can be replaced or removed.
set(CPACK_NSIS_EXTRA_INSTALL_COMMANDS "
    WriteRegStr HKCU 'Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run' 'SAK Desktop Agent' '\\\"$INSTDIR\\\\bin\\\\sak-agent.exe\\\"'
")
set(CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS "
    nsExec::Exec 'taskkill /IM sak-agent.exe'
    DeleteRegValue HKCU 'Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run' 'SAK Desktop Agent'
")
