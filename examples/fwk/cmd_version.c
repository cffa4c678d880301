/* fwk version: the library's version, as the loaded library reports it. */
#include <stdio.h>

#include "fwk.h"

int fwk_cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("libflexwork %s (headers %s)\n", fw_version_string(), FW_VERSION_STRING);
    return 0;
}
