// What the page sends over the channel is untrusted: any bytes become an event or an error with
// a code and a sentence, never a crash.
#include "agent/protocol/bridgeprotocol.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto event = sak::bridge::parseEvent(bytes);
    if (!event && (event.error().code.isEmpty() || event.error().message.isEmpty()))
        std::abort();
    return 0;
}
