"The product's public API in one import (as fastai's `all` modules do): `from collabnb.all import *`"
# Written by hand, not generated from a notebook: it gathers the product's modules in layer order. The chapter's
# teaching code (`collabnb.interpretation`'s `recommend(learn, ...)` and the rest) and the benchmark's helpers are
# imported from their own modules: some share a name with a `Recommender` method that takes other arguments.
from .ratings import *
from .vocab import *
from .fast_data import *
from .distributed import *
from .sparse import *
from .fused import *
from .hybrid import *
from .bayesian import *
from .kinds import *
from .engines import *
from .ranking import *
from .fitting import *
from .querying import *
from .fold_in import *
from .saving import *
from .recommender import *
from .evaluate import *
from .spec import *
