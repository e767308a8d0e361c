from . import test_reception_slip
