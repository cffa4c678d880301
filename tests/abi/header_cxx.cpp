// The umbrella header compiles on its own as C++ (-pedantic -Werror) with C linkage.
#include <flexwork.h>

int main()
{
    fw_open_options opts = FW_OPEN_OPTIONS_INIT;
    int (*open_fn)(fw_ctx **, const char *, const fw_open_options *, fw_error **) = fw_ctx_open;
    return opts.version == FW_OPEN_OPTIONS_VERSION && open_fn != 0 ? 0 : 1;
}
