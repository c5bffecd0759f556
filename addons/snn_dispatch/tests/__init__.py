from . import test_dispatch_internal
