#pragma once

#include "agent/base/clock.h"
#include "agent/cloud/cloudclient.h"
#include "agent/delivery/relaypipeline.h"
#include "agent/status/agentstatus.h"
#include "agent/store/store.h"
#include "tests/support/fakesession.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace sak::test {

// What the windows sit on, without a browser or a cloud: a real encrypted store, the pipeline
// (never started: nothing is relayed or sent) and an in-memory WhatsApp session.
struct GuiFixture
{
    QTemporaryDir dir;
    std::unique_ptr<Store> store;
    FakeSession session;
    CloudClient cloud;
    SystemClock clock;
    std::unique_ptr<RelayPipeline> pipeline;
    std::unique_ptr<AgentStatus> status;

    bool open()
    {
        auto opened = Store::open(
            {dir.filePath(QStringLiteral("agent.db")), QByteArray(Store::kKeySize, 'k')});
        if (!opened)
            return false;
        store = std::move(opened).value();
        pipeline = std::make_unique<RelayPipeline>(&session, &cloud, store.get(), &clock);
        status = std::make_unique<AgentStatus>(&session, pipeline.get());
        return true;
    }

    // An outbox item as the cloud would have queued it.
    bool enqueue(const QString &clientId, const QString &chatId, const QString &body)
    {
        const auto queued =
            store->enqueueOutbound({clientId, chatId, body, QStringLiteral("3EB0") + clientId});
        return queued && queued.value();
    }
};

} // namespace sak::test
