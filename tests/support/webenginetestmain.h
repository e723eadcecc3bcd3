#pragma once

#include "tests/support/testenv.h"

#include <QGuiApplication>
#include <QTest>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace sak::test {

// What a WebEngine test must arrange before the application object exists: Chromium reads
// its switches once. trustStubKey pins the test server's key for the page, as sak-agent does
// with --whatsapp-spki-pins; without it the page must refuse the stub's certificate.
inline void prepareWebEngine(bool trustStubKey)
{
    QByteArray flags = "--disable-background-timer-throttling --disable-renderer-backgrounding";
    if (trustStubKey)
        flags += " --ignore-certificate-errors-spki-list=" + serverPin().toLatin1();
    qputenv("QTWEBENGINE_CHROMIUM_FLAGS", flags);
#ifdef Q_OS_UNIX
    // Chromium's sandbox cannot run as root; only then, and only in tests, it is switched off.
    if (geteuid() == 0)
        qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
#endif
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
}

} // namespace sak::test

#define SAK_WEBENGINE_TEST_MAIN(TestObject, AppType, trustStubKey)                                 \
    int main(int argc, char *argv[])                                                               \
    {                                                                                              \
        sak::test::prepareWebEngine(trustStubKey);                                                 \
        AppType app(argc, argv);                                                                   \
        TestObject tc;                                                                             \
        QTEST_SET_MAIN_SOURCE_PATH                                                                 \
        return QTest::qExec(&tc, argc, argv);                                                      \
    }
