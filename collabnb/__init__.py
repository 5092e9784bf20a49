__version__ = "0.0.1"

import warnings
# fastai calls torch.jit.script as it is imported, which PyTorch now deprecates: nothing a user of collabnb can act on
warnings.filterwarnings('ignore', message=r'`torch\.jit\.script` is deprecated', category=FutureWarning)
# fastai turns pandas columns into tensors without a copy, and pandas 3 hands out read-only arrays
warnings.filterwarnings('ignore', message='The given NumPy array is not writable', category=UserWarning, module=r'fastai\.')
