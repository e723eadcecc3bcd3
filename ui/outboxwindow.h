#pragma once

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace sak {

class OutboxModel;
class RelayPipeline;
class Store;

// What is waiting to be sent, and what became of what was sent: filters by state and chat, a
// text search, live updates, and the owner's actions (retry, cancel, pause sending).
class OutboxWindow : public QWidget
{
    Q_OBJECT
public:
    OutboxWindow(Store *store, RelayPipeline *pipeline, QWidget *parent = nullptr);

    OutboxModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    // The state filter's choices, in the combo box's order.
    enum class Show
    {
        All,
        Waiting,
        Sent,
        Failed,
        Unknown,
        Expired,
        Cancelled
    };
    void setShown(Show show);
    void setChat(const QString &chatId);
    void setSearch(const QString &text);
    // The selected items' client ids.
    QStringList selectedIds() const;
    // Retry or cancel the selection; false (and the reason shown) when one could not be.
    bool retrySelected();
    bool cancelSelected();
    QString message() const;

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void applyFilter();
    void updateButtons();
    void updateCount();
    void showMessage(const QString &text, bool problem);
    bool act(bool retry);
    void retranslate();

    Store *m_store;
    RelayPipeline *m_pipeline;
    OutboxModel *m_model;
    QComboBox *m_stateBox;
    QComboBox *m_chatBox;
    QLineEdit *m_search;
    QTableView *m_view;
    QLabel *m_count;
    QLabel *m_message;
    QPushButton *m_retry;
    QPushButton *m_cancel;
    QPushButton *m_pause;
    QTimer m_searchDelay; // typing is not a query per key
    QTimer m_refreshTimer;
};

} // namespace sak
