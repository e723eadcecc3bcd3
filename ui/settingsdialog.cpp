#include "ui/settingsdialog.h"

#include "agent/platform/autostart.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTimeEdit>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

QSpinBox *spin(QWidget *parent, int min, int max, const QString &name)
{
    auto *box = new QSpinBox(parent);
    box->setRange(min, max);
    box->setObjectName(name);
    return box;
}

} // namespace

SettingsDialog::SettingsDialog(const AgentConfig &config, QString iniPath, Autostart *autostart,
                               QWidget *parent)
    : QDialog(parent)
    , m_config(config)
    , m_iniPath(std::move(iniPath))
    , m_autostart(autostart)
    , m_cloudUrl(new QLineEdit(this))
    , m_perMinute(spin(this, 1, 6000, u"perMinute"_s))
    , m_chatPerMinute(spin(this, 1, 600, u"chatPerMinute"_s))
    , m_hourlyCap(spin(this, 1, 10000, u"hourlyCap"_s))
    , m_dailyCap(spin(this, 1, 100000, u"dailyCap"_s))
    , m_quiet(new QCheckBox(this))
    , m_quietStart(new QTimeEdit(this))
    , m_quietEnd(new QTimeEdit(this))
    , m_groups(new QPlainTextEdit(this))
    , m_startOnLogin(new QCheckBox(this))
    , m_language(new QComboBox(this))
    , m_error(new QLabel(this))
    , m_note(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this))
{
    setObjectName(u"settingsDialog"_s);
    setWindowTitle(tr("Settings - SAK Desktop Agent"));
    m_cloudUrl->setObjectName(u"cloudUrl"_s);
    m_groups->setObjectName(u"groups"_s);
    m_quietStart->setDisplayFormat(u"HH:mm"_s);
    m_quietEnd->setDisplayFormat(u"HH:mm"_s);
    m_groups->setPlaceholderText(tr("One group id per line, e.g. 120363025555555555@g.us"));
    m_groups->setMaximumHeight(80);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(u"color: #b00020"_s);
    m_note->setWordWrap(true);
    m_language->addItem(tr("The system's language"), QString());
    // Each language under its own name, so that anyone can find theirs.
    m_language->addItem(u"English"_s, u"en"_s);
    m_language->addItem(u"Deutsch"_s, u"de"_s);
    m_language->addItem(u"العربية"_s, u"ar"_s);

    auto *cloud = new QGroupBox(tr("SAK cloud"), this);
    auto *cloudForm = new QFormLayout(cloud);
    cloudForm->addRow(tr("Server address:"), m_cloudUrl);

    auto *pace = new QGroupBox(tr("Sending pace (protects the number from being banned)"), this);
    auto *paceForm = new QFormLayout(pace);
    paceForm->addRow(tr("Messages per minute, in all:"), m_perMinute);
    paceForm->addRow(tr("Messages per minute, to one chat:"), m_chatPerMinute);
    paceForm->addRow(tr("Broadcast messages per hour, at most:"), m_hourlyCap);
    paceForm->addRow(tr("Broadcast messages per day, at most:"), m_dailyCap);
    auto *quietRow = new QHBoxLayout;
    quietRow->addWidget(m_quiet);
    quietRow->addWidget(m_quietStart);
    quietRow->addWidget(new QLabel(u"–"_s, this));
    quietRow->addWidget(m_quietEnd);
    quietRow->addStretch(1);
    paceForm->addRow(tr("Quiet hours (no broadcasts):"), quietRow);
    m_quiet->setText(tr("from"));

    auto *groups = new QGroupBox(tr("Groups"), this);
    auto *groupsLayout = new QVBoxLayout(groups);
    groupsLayout->addWidget(
        new QLabel(tr("SAK answers private chats only, and these groups:"), this));
    groupsLayout->addWidget(m_groups);

    auto *desktop = new QGroupBox(tr("This computer"), this);
    auto *desktopForm = new QFormLayout(desktop);
    m_startOnLogin->setText(tr("Start SAK when I log in"));
    m_startOnLogin->setEnabled(m_autostart != nullptr);
    desktopForm->addRow(m_startOnLogin);
    desktopForm->addRow(tr("Language:"), m_language);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(cloud);
    layout->addWidget(pace);
    layout->addWidget(groups);
    layout->addWidget(desktop);
    layout->addWidget(m_note);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (save())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_quiet, &QCheckBox::toggled, m_quietStart, &QWidget::setEnabled);
    connect(m_quiet, &QCheckBox::toggled, m_quietEnd, &QWidget::setEnabled);
    showValues(m_config);
}

void SettingsDialog::showValues(const AgentConfig &config)
{
    m_cloudUrl->setText(config.cloudUrl.toString());
    m_perMinute->setValue(int(config.pacing.globalPerMinute));
    m_chatPerMinute->setValue(int(config.pacing.chatPerMinute));
    m_hourlyCap->setValue(config.pacing.hourlyCap);
    m_dailyCap->setValue(config.pacing.dailyCap);
    const bool quiet = config.pacing.quietStart != config.pacing.quietEnd;
    m_quiet->setChecked(quiet);
    m_quietStart->setTime(quiet ? config.pacing.quietStart : QTime(21, 0));
    m_quietEnd->setTime(quiet ? config.pacing.quietEnd : QTime(8, 0));
    m_quietStart->setEnabled(quiet);
    m_quietEnd->setEnabled(quiet);
    m_groups->setPlainText(config.allowedGroups.join(u'\n'));
    m_startOnLogin->setChecked(m_autostart && m_autostart->isEnabled());
    m_language->setCurrentIndex(std::max(0, m_language->findData(config.language)));
}

QHash<QString, QString> SettingsDialog::values() const
{
    QStringList groups;
    for (const QString &line : m_groups->toPlainText().split(u'\n', Qt::SkipEmptyParts)) {
        if (!line.trimmed().isEmpty())
            groups.append(line.trimmed());
    }
    return {
        {u"cloud/url"_s, m_cloudUrl->text().trimmed()},
        {u"pacing/per-minute"_s, QString::number(m_perMinute->value())},
        {u"pacing/chat-per-minute"_s, QString::number(m_chatPerMinute->value())},
        {u"pacing/hourly-cap"_s, QString::number(m_hourlyCap->value())},
        {u"pacing/daily-cap"_s, QString::number(m_dailyCap->value())},
        {u"pacing/quiet-hours"_s, m_quiet->isChecked()
                                      ? m_quietStart->time().toString(u"H:mm"_s) + u'-' +
                                            m_quietEnd->time().toString(u"H:mm"_s)
                                      : u"off"_s},
        {u"whatsapp/allowed-groups"_s, groups.join(u',')},
        {u"ui/language"_s, m_language->currentData().toString()},
    };
}

bool SettingsDialog::save()
{
    m_error->clear();
    const QHash<QString, QString> changes = values();
    const QString defaultDataDir =
        QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (Status written = AgentConfig::saveSettings(m_iniPath, changes, defaultDataDir); !written) {
        m_error->setText(tr("Not saved: %1").arg(written.error().message));
        return false;
    }
    if (m_autostart && m_startOnLogin->isChecked() != m_autostart->isEnabled()) {
        if (Status set = m_autostart->setEnabled(m_startOnLogin->isChecked()); !set) {
            m_error->setText(
                tr("Saved, but start on login could not be changed: %1").arg(set.error().message));
            return false;
        }
    }
    auto config = AgentConfig::resolve(m_iniPath, true, {}, defaultDataDir, false);
    if (!config) {
        m_error->setText(config.error().message);
        return false;
    }
    if (config.value().cloudUrl != m_config.cloudUrl)
        m_note->setText(tr("The new server address is used from the next start."));
    m_config = config.value();
    Q_EMIT saved(m_config);
    return true;
}

QString SettingsDialog::errorText() const
{
    return m_error->text();
}

} // namespace sak
