/*
 * Fuzz target for the ISO 20022 camt.053 statement importer (expat underneath), as UTF-8 and
 * as GB18030. Replayed over corpus/recon_camt as a test; with -Dfuzzing=true also built for
 * libFuzzer.
 */
#include "fuzz_recon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_import(data, size, "{\"format\":\"camt053\"}");
    fuzz_import(data, size, "{\"format\":\"camt053\",\"encoding\":\"gb18030\"}");
    return 0;
}
