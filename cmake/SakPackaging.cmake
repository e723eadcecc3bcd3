# Installation and packages.
#   Linux: CPack DEB, two packages: sak-agent (the agent, its desktop entry, icons, AppStream
#   metainfo, man page, the kiosk's systemd service) and sak-cloud-stub (the local stand-in
#   for the cloud and WhatsApp Web; never needed by a shop).
#   Windows: CPack NSIS with windeployqt (docs/windows.md).
#   cmake --build build --target package   (or: cd build && cpack)
include(GNUInstallDirs)

if(WIN32)
    # The DLLs that are not Qt's go along (installer/windows/SakWindowsInstaller.cmake).
    install(TARGETS sak-agent RUNTIME_DEPENDENCY_SET sak_runtime_dependencies
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT agent)
else()
    install(TARGETS sak-agent RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT agent)
endif()
install(TARGETS sak-cloud-stub RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT stub)

if(UNIX AND NOT APPLE)
    set(sak_linux ${PROJECT_SOURCE_DIR}/resources/linux)
    set(sak_installer ${PROJECT_SOURCE_DIR}/installer/linux)
    set(sak_gen ${CMAKE_BINARY_DIR}/packaging)

    # Icons: the SVG, and the hicolor sizes rasterised from it.
    find_program(SAK_RSVG rsvg-convert REQUIRED)
    set(sak_icon_pngs)
    foreach(size 16 22 24 32 48 64 128 256)
        set(png ${sak_gen}/icons/${size}/sak-agent.png)
        add_custom_command(OUTPUT ${png}
            COMMAND ${CMAKE_COMMAND} -E make_directory ${sak_gen}/icons/${size}
            COMMAND ${SAK_RSVG} -w ${size} -h ${size} ${PROJECT_SOURCE_DIR}/resources/icons/sak-agent.svg -o ${png}
            DEPENDS ${PROJECT_SOURCE_DIR}/resources/icons/sak-agent.svg)
        list(APPEND sak_icon_pngs ${png})
        install(FILES ${png} DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps
            COMPONENT agent)
    endforeach()
    install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/sak-agent.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps COMPONENT agent)

    # The man pages, from --help (so that they cannot drift), sak-agent's with a few sections
    # of its own.
    find_program(SAK_HELP2MAN help2man REQUIRED)
    add_custom_command(OUTPUT ${sak_gen}/sak-agent.1.gz
        COMMAND ${SAK_HELP2MAN} --no-info --no-discard-stderr
            "--name=WhatsApp sales assistant: the shop's desktop agent"
            --include=${sak_linux}/sak-agent.h2m -o ${sak_gen}/sak-agent.1 $<TARGET_FILE:sak-agent>
        COMMAND gzip -9nf ${sak_gen}/sak-agent.1
        DEPENDS sak-agent ${sak_linux}/sak-agent.h2m
        VERBATIM)
    add_custom_command(OUTPUT ${sak_gen}/sak-cloud-stub.1.gz
        COMMAND ${SAK_HELP2MAN} --no-info --no-discard-stderr
            "--name=local stand-in for the SAK cloud and WhatsApp Web"
            -o ${sak_gen}/sak-cloud-stub.1 $<TARGET_FILE:sak-cloud-stub>
        COMMAND gzip -9nf ${sak_gen}/sak-cloud-stub.1
        DEPENDS sak-cloud-stub
        VERBATIM)
    # sak-agentctl's --version asks the installed sak-agent: the build's stands in for it.
    add_custom_command(OUTPUT ${sak_gen}/sak-agentctl.8.gz
        COMMAND ${CMAKE_COMMAND} -E make_directory ${sak_gen}/ctl
        COMMAND sed "s|/usr/bin/sak-agent|$<TARGET_FILE:sak-agent>|" ${sak_installer}/sak-agentctl
            > ${sak_gen}/ctl/sak-agentctl
        COMMAND chmod +x ${sak_gen}/ctl/sak-agentctl
        COMMAND ${SAK_HELP2MAN} --no-info --section=8
            "--name=the kiosk operator's commands for the sak-agent service"
            -o ${sak_gen}/sak-agentctl.8 ${sak_gen}/ctl/sak-agentctl
        COMMAND gzip -9nf ${sak_gen}/sak-agentctl.8
        DEPENDS sak-agent ${sak_installer}/sak-agentctl
        VERBATIM)
    add_custom_command(OUTPUT ${sak_gen}/changelog.gz
        COMMAND gzip -9nc ${sak_installer}/changelog > ${sak_gen}/changelog.gz
        DEPENDS ${sak_installer}/changelog)
    add_custom_target(sak_package_files ALL
        DEPENDS ${sak_icon_pngs} ${sak_gen}/sak-agent.1.gz ${sak_gen}/sak-cloud-stub.1.gz
            ${sak_gen}/sak-agentctl.8.gz ${sak_gen}/changelog.gz)
    install(FILES ${sak_gen}/sak-agent.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT agent)
    install(FILES ${sak_gen}/sak-agentctl.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8 COMPONENT agent)
    install(FILES ${sak_gen}/sak-cloud-stub.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT stub)

    # The copyright file carries the notice of the statically linked SQLCipher, as the system's
    # libsqlcipher-dev ships it (indented as a DEP-5 license text).
    set(sak_sqlcipher_copyright /usr/share/doc/libsqlcipher-dev/copyright)
    if(EXISTS ${sak_sqlcipher_copyright})
        file(READ ${sak_sqlcipher_copyright} sak_notice)
        string(REGEX REPLACE "\n\n+" "\n.\n" sak_notice "${sak_notice}")
        string(REGEX REPLACE "\n$" "" sak_notice "${sak_notice}")
        string(REPLACE "\n" "\n " sak_notice "${sak_notice}")
        set(SAK_SQLCIPHER_NOTICE " ${sak_notice}")
    else()
        message(WARNING "${sak_sqlcipher_copyright} not found: the package's copyright file lacks SQLCipher's notice")
        set(SAK_SQLCIPHER_NOTICE " See https://www.zetetic.net/sqlcipher/license/")
    endif()
    configure_file(${sak_installer}/copyright.in ${sak_gen}/copyright @ONLY)
    foreach(component agent stub)
        set(package sak-agent)
        if(component STREQUAL stub)
            set(package sak-cloud-stub)
        endif()
        install(FILES ${sak_gen}/copyright ${sak_gen}/changelog.gz
            DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${package} COMPONENT ${component})
    endforeach()
    install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/sak-agent
        COMPONENT agent)

    install(FILES ${sak_linux}/com.sak.DesktopAgent.desktop
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications COMPONENT agent)
    install(FILES ${sak_linux}/com.sak.DesktopAgent.metainfo.xml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo COMPONENT agent)
    # The kiosk: the system service (Debian 12 keeps units in /lib), its user, the operator's tool.
    install(FILES ${sak_installer}/sak-agent.service DESTINATION /lib/systemd/system COMPONENT agent)
    install(FILES ${sak_installer}/sak-agent.sysusers DESTINATION lib/sysusers.d
        RENAME sak-agent.conf COMPONENT agent)
    install(PROGRAMS ${sak_installer}/sak-agentctl DESTINATION ${CMAKE_INSTALL_SBINDIR} COMPONENT agent)
endif()

set(CPACK_PACKAGE_NAME sak-agent)
set(CPACK_PACKAGE_VENDOR "SAK")
set(CPACK_PACKAGE_CONTACT "SAK <packages@sak.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Each package's summary is the first line of its own description below: CPack puts this one
# in front of them unless it equals its built-in default.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL agent stub)

if(WIN32)
    include(${PROJECT_SOURCE_DIR}/installer/windows/SakWindowsInstaller.cmake)
else()
    set(CPACK_GENERATOR DEB)
    set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
    set(CPACK_DEB_COMPONENT_INSTALL ON)
    set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
    set(CPACK_DEBIAN_PACKAGE_SECTION net)
    set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
    # Shared-library dependencies are derived (dpkg-shlibdeps); what is loaded at run time
    # without being linked is named here: Chromium's helper process and resources.
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
    set(CPACK_DEBIAN_AGENT_PACKAGE_NAME sak-agent)
    set(CPACK_DEBIAN_AGENT_PACKAGE_DEPENDS "libqt6webenginecore6-bin, libqt6webengine6-data")
    set(CPACK_DEBIAN_AGENT_PACKAGE_RECOMMENDS "gnome-keyring | kwalletmanager")
    set(CPACK_DEBIAN_AGENT_DESCRIPTION "WhatsApp sales assistant: the shop's desktop agent
SAK answers a shop's WhatsApp customers with its cloud (AI, catalog,
orders). The desktop agent hosts the shop's WhatsApp Web session, relays
customers' messages to the cloud and sends the replies and broadcasts back
at a safe pace, keeping the session and the queues in an encrypted
database.

It runs in the notification area of the shop's PC, or headless on a kiosk
as the sak-agent system service.")
    set(CPACK_DEBIAN_AGENT_PACKAGE_CONTROL_EXTRA
        ${sak_installer}/debian/postinst ${sak_installer}/debian/prerm ${sak_installer}/debian/postrm)
    set(CPACK_DEBIAN_AGENT_PACKAGE_CONTROL_STRICT_PERMISSION ON)
    set(CPACK_DEBIAN_STUB_PACKAGE_NAME sak-cloud-stub)
    set(CPACK_DEBIAN_STUB_PACKAGE_SECTION devel)
    set(CPACK_DEBIAN_STUB_DESCRIPTION "Local stand-in for the SAK cloud and WhatsApp Web
For developers and demonstrations: an HTTPS server speaking the SAK cloud
protocol, with deterministic reply rules, and a WhatsApp Web simulator
page. A shop never needs it.")
endif()
include(CPack)
