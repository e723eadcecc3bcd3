# wa-js (@wppconnect/wa-js), the page half's dependency: bridge/js/package-lock.json pins it and
# `npm ci` installs it (the project's scripts do). sak_check_wajs() stops the configuration with
# what to do when the bundle is missing or is not the pinned version: a build without it would
# start and never become ready. Sets SAK_WAJS_BUNDLE, SAK_WAJS_LICENSE and SAK_WAJS_VERSION.
#
# Also runs as a script, for the test of the check itself:
#   cmake -DSAK_WAJS_JS_DIR=<bridge/js or a copy> -P cmake/SakWaJs.cmake
function(sak_check_wajs js_dir)
    set(dir ${js_dir}/node_modules/@wppconnect/wa-js)
    set(npm_ci "`npm ci --prefix ${js_dir} --ignore-scripts` (scripts/test.sh and scripts/demo.sh do this for you)")
    file(READ ${js_dir}/package-lock.json lock)
    string(JSON pinned GET "${lock}" packages node_modules/@wppconnect/wa-js version)
    if(NOT EXISTS ${dir}/dist/wppconnect-wa.js OR NOT EXISTS ${dir}/package.json)
        message(FATAL_ERROR "The wa-js bundle (${dir}/dist/wppconnect-wa.js) is missing. "
            "Install the pinned version ${pinned} with ${npm_ci}, then configure again.")
    endif()
    file(READ ${dir}/package.json package)
    string(JSON installed GET "${package}" version)
    if(NOT installed STREQUAL pinned)
        message(FATAL_ERROR "bridge/js/node_modules has wa-js ${installed}, but package-lock.json "
            "pins ${pinned}. Run ${npm_ci}, then configure again.")
    endif()
    set(SAK_WAJS_BUNDLE ${dir}/dist/wppconnect-wa.js PARENT_SCOPE)
    set(SAK_WAJS_LICENSE ${dir}/LICENSE PARENT_SCOPE)
    set(SAK_WAJS_VERSION ${installed} PARENT_SCOPE)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE AND DEFINED SAK_WAJS_JS_DIR)
    sak_check_wajs(${SAK_WAJS_JS_DIR})
    message(STATUS "wa-js ${SAK_WAJS_VERSION} found")
endif()
