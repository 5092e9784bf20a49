"Everything collabnb exports, in one import (as fastai's `all` modules do): `from collabnb.all import *`"
# Written by hand, not generated from a notebook: it only gathers the modules, the product's first, then
# the chapter's; importing `saving` gives `Recommender` its `save` and `load`.
from .ratings import *
from .vocab import *
from .fast_data import *
from .distributed import *
from .sparse import *
from .fused import *
from .hybrid import *
from .kinds import *
from .recommender import *
from .saving import *
from .evaluate import *
from .spec import *
from .benchmark import *
from .rate_films import *
from .data import *
from .latent_factors import *
from .training import *
from .dot_product import *
from .weight_decay import *
from .create_params import *
from .interpretation import *
from .bootstrapping import *
from .deep_learning import *
from .questionnaire import *
