"""``python -m minitorch_cnn`` is the ``minitorch-cnn`` command."""
from .cli import main

raise SystemExit(main())
