/*
 * Fuzz target for the CSV statement importer: the bytes go in as a UTF-8 generic bank export,
 * as the same in GB18030, and as a payment institution's daily bill. Replayed over
 * corpus/recon_csv as a test; with -Dfuzzing=true also built for libFuzzer.
 */
#include "fuzz_recon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_import(data, size, "{\"format\":\"csv\",\"profile\":\"generic_bank\",\"encoding\":\"utf-8\"}");
    fuzz_import(data, size, "{\"format\":\"csv\",\"profile\":\"generic_bank\"}");
    fuzz_import(data, size, "{\"format\":\"csv\",\"profile\":\"payment_daily_bill\",\"encoding\":\"utf-8\"}");
    return 0;
}
