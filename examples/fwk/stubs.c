/* Commands not written yet answer with a usage error. */
#include <stdio.h>

#include "fwk.h"

#define STUB(n)                                                                                    \
    int fwk_cmd_##n(int argc, char **argv)                                                         \
    {                                                                                              \
        (void)argc;                                                                                \
        fprintf(stderr, "fwk: %s: not available\n", argv[0]);                                      \
        return 2;                                                                                  \
    }
STUB(task)
STUB(training)
STUB(funding)
STUB(fee)
STUB(archive)
STUB(insurance)
STUB(service)
