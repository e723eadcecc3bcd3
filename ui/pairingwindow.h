#pragma once

#include "agent/base/result.h"
#include "agent/protocol/messagetypes.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QUrl>
#include <QWidget>

#include <chrono>
#include <functional>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace sak {

class WhatsAppSession;

// First run and re-pairing, in three steps: 1. connect to the SAK cloud (server address and
// the pairing code from the dashboard, checked with the cloud at once), 2. link WhatsApp (the
// QR code from the page, refreshed as WhatsApp rotates it, or a code for the phone number),
// 3. done. Opened again from the tray whenever the session is lost.
class PairingWindow : public QWidget
{
    Q_OBJECT
public:
    enum class Step
    {
        Cloud,
        WhatsApp,
        Done
    };
    // Checks a code with the cloud and keeps the credentials; `done` gets the outcome.
    using CloudPairing =
        std::function<void(const QUrl &server, const QString &code, std::function<void(Status)>)>;

    explicit PairingWindow(QWidget *parent = nullptr);

    void setCloudPairing(CloudPairing pairing, const QUrl &server);
    // Step 2 follows this session (QR codes, pairing codes, the state).
    void setSession(WhatsAppSession *session);
    void showStep(Step step);
    Step step() const { return m_step; }

    // What the owner sees, for tests and screenshots.
    QString errorText() const;
    QString statusText() const;
    bool hasQrCode() const;
    QString pairingCode() const;
    // WhatsApp rotates its QR code about every 20 seconds; after a few it stops until asked,
    // and a code older than this is shown as expired (with a way to ask for a new one).
    void setQrLifetime(std::chrono::milliseconds lifetime);

Q_SIGNALS:
    void cloudPaired();
    void finished();
    // The owner closed the window (at any step).
    void closed();

protected:
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    QWidget *makeCloudPage();
    QWidget *makeWhatsAppPage();
    QWidget *makeDonePage();
    void retranslate();
    void connectToCloud();
    // What is wrong with what was typed in step 1, in the owner's words; empty when nothing.
    QString serverProblem() const;
    QString codeProblem() const;
    void checkField(QLineEdit *field);
    void showQr(const QString &qr);
    void onSessionState(SessionState state);
    void tick();
    void requestPhoneCode();
    void setBusy(bool busy);

    Step m_step = Step::Cloud;
    CloudPairing m_pairing;
    WhatsAppSession *m_session = nullptr;
    QStackedWidget *m_pages;
    // Step 1
    QLabel *m_cloudTitle;
    QLabel *m_cloudIntro;
    QLabel *m_serverLabel;
    QLineEdit *m_server;
    QLabel *m_codeLabel;
    QLineEdit *m_code;
    QPushButton *m_connect;
    QProgressBar *m_cloudBusy;
    QLabel *m_cloudError;
    QLineEdit *m_complainedAbout = nullptr; // the field m_cloudError is about, if any
    // Step 2
    QLabel *m_waTitle;
    QLabel *m_waIntro;
    QLabel *m_qr;
    QProgressBar *m_qrLife;
    QLabel *m_waStatus;
    QPushButton *m_refresh;
    QLabel *m_phoneLabel;
    QLineEdit *m_phone;
    QPushButton *m_getCode;
    QLabel *m_phoneCode;
    QLabel *m_waError;
    QString m_currentQr;
    int m_qrLifetimeMs = 20000;
    QElapsedTimer m_qrAge;
    QTimer m_tick;
    // Step 3
    QLabel *m_doneTitle;
    QLabel *m_doneText;
    QPushButton *m_close;
};

} // namespace sak
