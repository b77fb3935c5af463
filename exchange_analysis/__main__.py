import sys

from exchange_analysis.cli import main

sys.exit(main())
