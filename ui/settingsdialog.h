#pragma once

#include "agent/config/agentconfig.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QTimeEdit;

namespace sak {

class Autostart;

// The owner's settings: the cloud server, the sending pace, quiet hours, the groups SAK may
// answer in, start on login and the language. Saved into the configuration file only when the
// whole configuration is valid; what cannot change while running says so.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    // `iniPath`: the configuration file written; `autostart` may be null (no such option).
    SettingsDialog(const AgentConfig &config, QString iniPath, Autostart *autostart,
                   QWidget *parent = nullptr);

    // Writes the file; false (and the reason shown in the dialog) when it cannot be.
    bool save();
    QString errorText() const;
    // The settings as they are in the dialog, in the file's keys.
    QHash<QString, QString> values() const;

Q_SIGNALS:
    // Saved: the configuration as it is now in the file.
    void saved(const sak::AgentConfig &config);

private:
    void showValues(const AgentConfig &config);

    AgentConfig m_config;
    QString m_iniPath;
    Autostart *m_autostart;
    QLineEdit *m_cloudUrl;
    QSpinBox *m_perMinute;
    QSpinBox *m_chatPerMinute;
    QSpinBox *m_hourlyCap;
    QSpinBox *m_dailyCap;
    QCheckBox *m_quiet;
    QTimeEdit *m_quietStart;
    QTimeEdit *m_quietEnd;
    QPlainTextEdit *m_groups;
    QCheckBox *m_startOnLogin;
    QComboBox *m_language;
    QLabel *m_error;
    QLabel *m_note;
    QDialogButtonBox *m_buttons;
};

} // namespace sak
