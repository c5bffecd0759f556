from . import test_receive_exchange
