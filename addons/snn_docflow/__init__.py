from . import exceptions
from . import models
from . import wizards
