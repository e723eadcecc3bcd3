// Every decoder of the cloud protocol gets the same arbitrary bytes. Whatever they are, a
// decoder answers a value or an error with a code and a sentence; it never crashes, hangs or
// reads out of bounds (the sanitizers watch).
#include "agent/protocol/cloudprotocol.h"

#include <cstdint>
#include <cstdlib>

namespace {

template<typename T>
void check(const sak::Result<T> &result)
{
    if (!result && (result.error().code.isEmpty() || result.error().message.isEmpty()))
        std::abort(); // an error nobody could act on
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace sak::cloud;
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    check(decodeInboundRequest(bytes));
    check(decodeInboundResponse(bytes));
    check(decodeStatusReport(bytes));
    check(decodeStatusBatch(bytes));
    check(decodeHeartbeat(bytes));
    check(decodePairRequest(bytes));
    check(decodeCredentials(bytes));
    check(decodeOutboundJob(bytes));
    const auto frame = decodeFrame(bytes);
    check(frame);
    if (frame)
        check(decodeOutboundJob(frame.value().payload)); // a frame carries a job
    check(decodeJobsPoll(bytes));
    check(decodeFrames(bytes));
    (void)decodeError(bytes);
    // What decodes must encode and decode again to the same thing.
    if (const auto job = decodeOutboundJob(bytes); job) {
        const auto again = decodeOutboundJob(encode(job.value()));
        if (!again || again.value().clientId != job.value().clientId ||
            again.value().text != job.value().text)
            std::abort();
    }
    return 0;
}
