#include "support.h"
static void t(void **s){(void)s;}
TEST_MAIN(cmocka_unit_test(t))
