/* The umbrella header compiles on its own as strict C99 (-std=c99 -pedantic -Werror). */
#include <flexwork.h>

int main(void)
{
    fw_open_options opts = FW_OPEN_OPTIONS_INIT;
    return opts.version == FW_OPEN_OPTIONS_VERSION && FW_VERSION_CHECK(1, 0, 0) ? 0 : 1;
}
