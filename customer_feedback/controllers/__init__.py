from . import confirmation
from . import portal
from . import public_form
from . import rating
