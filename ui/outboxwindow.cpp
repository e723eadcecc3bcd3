#include "ui/outboxwindow.h"

#include "agent/delivery/relaypipeline.h"
#include "agent/store/store.h"
#include "ui/outboxmodel.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

QStringList statesOf(OutboxWindow::Show show)
{
    switch (show) {
    case OutboxWindow::Show::All:
        return {};
    case OutboxWindow::Show::Waiting:
        return {outbox::kQueued, outbox::kSending};
    case OutboxWindow::Show::Sent:
        return {outbox::kSent, outbox::kDelivered, outbox::kRead, outbox::kPlayed};
    case OutboxWindow::Show::Failed:
        return {outbox::kFailed};
    case OutboxWindow::Show::Unknown:
        return {outbox::kUnknown};
    case OutboxWindow::Show::Expired:
        return {outbox::kExpired};
    case OutboxWindow::Show::Cancelled:
        return {outbox::kCancelled};
    }
    return {};
}

constexpr int kRefreshMs = 1000;

// Whether the owner's retry (or cancel) applies to an item in this state: a retry to what did
// not go out and is not going out now, a cancel to what still waits.
bool actionApplies(bool retry, const QString &state)
{
    return retry ? outbox::canMove(state, outbox::kQueued) && state != outbox::kSending
                 : state == outbox::kQueued;
}

} // namespace

OutboxWindow::OutboxWindow(Store *store, RelayPipeline *pipeline, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_pipeline(pipeline)
    , m_model(new OutboxModel(store, this))
    , m_stateBox(new QComboBox(this))
    , m_chatBox(new QComboBox(this))
    , m_search(new QLineEdit(this))
    , m_view(new QTableView(this))
    , m_count(new QLabel(this))
    , m_message(new QLabel(this))
    , m_retry(new QPushButton(this))
    , m_cancel(new QPushButton(this))
    , m_pause(new QPushButton(this))
{
    setObjectName(u"outboxWindow"_s);
    m_search->setClearButtonEnabled(true);
    m_chatBox->setEditable(true);
    m_chatBox->setInsertPolicy(QComboBox::NoInsert);
    m_chatBox->setMinimumContentsLength(16);
    m_message->setWordWrap(true);

    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(false);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    // Fixed row heights and column widths: nothing has to measure 100,000 rows.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    // The message takes the room there is; the others keep a width that fits their texts.
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->horizontalHeader()->setSectionResizeMode(OutboxModel::Message, QHeaderView::Stretch);
    for (auto [column, width] : {std::pair{OutboxModel::State, 180},
                                 {OutboxModel::Chat, 140},
                                 {OutboxModel::Priority, 110},
                                 {OutboxModel::Attempts, 70},
                                 {OutboxModel::NextAttempt, 130},
                                 {OutboxModel::LastError, 230}})
        m_view->setColumnWidth(column, width);

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_stateBox);
    filters->addWidget(m_chatBox);
    filters->addWidget(m_search, 1);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_count, 1);
    actions->addWidget(m_retry);
    actions->addWidget(m_cancel);
    actions->addSpacing(16);
    actions->addWidget(m_pause);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_message);
    layout->addLayout(actions);
    retranslate();

    m_searchDelay.setSingleShot(true);
    m_searchDelay.setInterval(300);
    connect(&m_searchDelay, &QTimer::timeout, this, &OutboxWindow::applyFilter);
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_searchDelay.start(); });
    connect(m_stateBox, &QComboBox::currentIndexChanged, this, &OutboxWindow::applyFilter);
    connect(m_chatBox, &QComboBox::currentTextChanged, this, [this] { m_searchDelay.start(); });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &OutboxWindow::updateButtons);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &OutboxWindow::updateButtons);
    connect(m_model, &OutboxModel::totalChanged, this, &OutboxWindow::updateCount);
    connect(m_model, &QAbstractItemModel::modelReset, this, &OutboxWindow::updateCount);
    connect(m_retry, &QPushButton::clicked, this, &OutboxWindow::retrySelected);
    connect(m_cancel, &QPushButton::clicked, this, &OutboxWindow::cancelSelected);
    connect(m_pause, &QPushButton::clicked, this,
            [this] { m_pipeline->setPaused(!m_pipeline->isPaused()); });
    connect(m_pipeline, &RelayPipeline::pausedChanged, this, &OutboxWindow::retranslate);

    // Live: what this agent changes shows at once, what another process (sak-agent --retry)
    // changes within a second, and nothing is read while the window is closed.
    m_refreshTimer.setInterval(kRefreshMs);
    connect(&m_refreshTimer, &QTimer::timeout, m_model, &OutboxModel::refresh);
    connect(m_pipeline, &RelayPipeline::deliveryStateChanged, this, [this] {
        if (isVisible() && m_refreshTimer.remainingTime() > 150)
            m_refreshTimer.start(150);
    });
    connect(&m_refreshTimer, &QTimer::timeout, this,
            [this] { m_refreshTimer.setInterval(kRefreshMs); });
    resize(1000, 560);
    updateButtons();
    updateCount();
}

void OutboxWindow::retranslate()
{
    setWindowTitle(tr("Outbox - SAK Desktop Agent"));
    const int shown = m_stateBox->currentIndex();
    const QSignalBlocker blocker(m_stateBox);
    m_stateBox->clear();
    m_stateBox->addItems({tr("All states"), tr("Waiting"), tr("Sent"), tr("Failed"),
                          tr("Unknown: check the chat"), tr("Expired"), tr("Cancelled")});
    m_stateBox->setCurrentIndex(std::max(0, shown));
    m_search->setPlaceholderText(tr("Search messages, chats and errors"));
    m_chatBox->lineEdit()->setPlaceholderText(tr("All chats"));
    m_retry->setText(tr("Retry"));
    m_retry->setToolTip(tr("Send the selected failed, expired or unknown messages again"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Do not send the selected waiting messages"));
    m_pause->setText(m_pipeline->isPaused() ? tr("Resume sending") : tr("Pause sending"));
    updateCount();
}

void OutboxWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void OutboxWindow::showEvent(QShowEvent *event)
{
    // The chat list is read when the window opens, not on every change.
    const QString typed = m_chatBox->currentText();
    {
        const QSignalBlocker blocker(m_chatBox);
        m_chatBox->clear();
        m_chatBox->addItem(QString());
        if (const auto chats = m_store->outboxChats(1000))
            m_chatBox->addItems(chats.value());
        m_chatBox->setCurrentText(typed);
    }
    m_model->refresh();
    m_refreshTimer.start();
    QWidget::showEvent(event);
}

void OutboxWindow::hideEvent(QHideEvent *event)
{
    m_refreshTimer.stop();
    QWidget::hideEvent(event);
}

void OutboxWindow::setShown(Show show)
{
    m_stateBox->setCurrentIndex(int(show));
}

void OutboxWindow::setChat(const QString &chatId)
{
    m_chatBox->setCurrentText(chatId);
    applyFilter();
}

void OutboxWindow::setSearch(const QString &text)
{
    m_search->setText(text);
    applyFilter();
}

void OutboxWindow::applyFilter()
{
    m_searchDelay.stop();
    OutboxFilter filter;
    filter.states = statesOf(Show(std::max(0, m_stateBox->currentIndex())));
    filter.chatId = m_chatBox->currentText().trimmed();
    filter.search = m_search->text().trimmed();
    if (filter.states == m_model->filter().states && filter.chatId == m_model->filter().chatId &&
        filter.search == m_model->filter().search)
        return;
    m_model->setFilter(filter);
    updateButtons();
}

QStringList OutboxWindow::selectedIds() const
{
    QStringList ids;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows())
        ids.append(m_model->rowAt(index.row()).item.text.clientId);
    return ids;
}

void OutboxWindow::updateButtons()
{
    bool canRetry = false;
    bool canCancel = false;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows()) {
        const QString &state = m_model->rowAt(index.row()).item.state;
        canRetry = canRetry || actionApplies(true, state);
        canCancel = canCancel || actionApplies(false, state);
    }
    m_retry->setEnabled(canRetry);
    m_cancel->setEnabled(canCancel);
}

void OutboxWindow::updateCount()
{
    const qint64 total = m_model->totalCount();
    m_count->setText(tr("%n message(s)", nullptr, int(std::min<qint64>(total, INT_MAX))));
    if (!m_model->loadError().isEmpty())
        showMessage(tr("The outbox cannot be read: %1").arg(m_model->loadError()), true);
}

void OutboxWindow::showMessage(const QString &text, bool problem)
{
    m_message->setText(text);
    m_message->setStyleSheet(problem ? u"color: #b00020"_s : QString());
}

QString OutboxWindow::message() const
{
    return m_message->text();
}

bool OutboxWindow::act(bool retry)
{
    int done = 0;
    QStringList problems;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows()) {
        const OutboxItem &item = m_model->rowAt(index.row()).item;
        if (!actionApplies(retry, item.state))
            continue;
        const Status result =
            retry ? m_pipeline->retry(item.text.clientId) : m_pipeline->cancel(item.text.clientId);
        if (result)
            ++done;
        else
            problems.append(result.error().message);
    }
    m_model->refresh();
    if (!problems.isEmpty())
        showMessage(problems.join(u'\n'), true);
    else
        showMessage(retry ? tr("%n message(s) will be sent again.", nullptr, done)
                          : tr("%n message(s) cancelled.", nullptr, done),
                    false);
    return problems.isEmpty();
}

bool OutboxWindow::retrySelected()
{
    return act(true);
}

bool OutboxWindow::cancelSelected()
{
    return act(false);
}

} // namespace sak
